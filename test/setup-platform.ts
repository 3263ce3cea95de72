// Every jest test runs with the Node platform installed, as a notebook does when it loads "lecture3"
// (lib/index.ts): tests import lib/core's modules directly, which alone know only the text-only default.
import "../lib/node/platform";
// and the checkers' record of what fit() and experiment() return (provenance.ts installs itself into results.ts),
// as "lecture3" loads it with the exercise checkers
import "../lib/core/provenance";
