// Every jest test runs with the Node platform installed, as a notebook does when it loads "lecture3"
// (lib/index.ts): tests import lib/core's modules directly, which alone know only the text-only default.
import "../lib/node/platform";
// and what the training loop reports to (lib/core/hooks.ts): the live epoch line and the checkers' record of what
// fit() and experiment() return, which install themselves when they load, as "lecture3" (lib/core/index.ts) loads them
import "../lib/core/progress";
import "../lib/core/provenance";
