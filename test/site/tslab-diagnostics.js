// The tslab edition's replies to cells with type errors, for test/site/typecheck.test.ts to compare with the site's:
// tslab's own executor with the project's preload (scripts/tslab-preload.js), as the kernel runs it, without zeromq.
//   node test/site/tslab-diagnostics.js CELLS.json   → prints [{ ok, error, failure: { ename, evalue, traceback } }, ...]
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
require(path.join(root, "scripts", "tslab-preload.js"));
const tslabDir = path.dirname(require.resolve("tslab/package.json", { paths: [root] }));
const { createExecutor } = require(path.join(tslabDir, "dist", "executor.js")); // patched by the preload
const { createConverter } = require(path.join(tslabDir, "dist", "converter.js"));

const cells = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = { log: () => undefined, error: () => undefined };
const convs = { node: createConverter(), browser: createConverter({ isBrowser: true }) };
const executor = createExecutor(root, convs, out);
(async () => {
  const replies = [];
  for (const code of cells) {
    const ok = await executor.execute(code);
    const rec = globalThis.__lecture3_kernel.cells.at(-1);
    replies.push({ ok, error: rec.error ?? null, failure: rec.failure ?? null });
  }
  process.stdout.write(JSON.stringify(replies));
  convs.node.close();
  convs.browser.close();
  process.exit(0);
})();
