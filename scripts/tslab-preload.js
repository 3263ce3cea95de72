// Preloaded into the tslab kernel (node --require, see the kernel.json written by scripts/setup.sh).
// tslab 1.0.22 is used as it is; this file changes four things a student meets in JupyterLab:
//   1. zeromq sends are queued (scripts/tslab-serial-send.js), so no output or status message is lost.
//   2. Every cell execution is recorded in globalThis.__lecture3_kernel (code, ok or not, first error line),
//      so a check cell can tell that its answer cell failed instead of grading a stale value (lib/kernel.ts).
//   3. Kernel > Interrupt: the interrupt is counted first, and the library's loops (DataLoader, fit, evaluate,
//      ...) stop at the next mini-batch and end the cell with one Japanese line. Only if the cell has not
//      ended after GRACE_MS does tslab's own interrupt run (it abandons the cell; code that does not watch
//      for interrupts may go on in the background).
//   4. TypeScript's diagnostics are in Japanese (TypeScript's own `ja` messages), and the commonest ones get a
//      line in front that says what to do; a check cell run before its answer cell says so.
"use strict";
require("./tslab-serial-send.js");
const path = require("path");

const tslabDir = path.dirname(require.resolve("tslab/package.json"));
const GRACE_MS = 3000;
const KEEP_CELLS = 500;

// ---- 4. Japanese diagnostics ---------------------------------------------------------------------------
const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] }));
if (process.env.LECTURE3_TS_LOCALE !== "en") ts.validateLocaleAndSetLanguage("ja", ts.sys);

/** A Japanese line in front of the diagnostics beginners meet most, or null. */
function explain(d, src) {
  const name = (d.messageText.match(/'([^']+)'/) || [])[1] || "";
  switch (d.code) {
    case 2304: // Cannot find name 'x'.
    case 2552: // Cannot find name 'x'. Did you mean 'y'?
    {
      const ex = name.match(/^ex(\d+)$/);
      if (ex && /\bcheck\.ex\d+\s*\(/.test(src)) {
        return `未解答: 演習${ex[1]} の答え ${name} がまだありません。上の解答セル (▼ 解答欄) を実行してから、このセルをもう一度実行してください`;
      }
      return `「${name}」はまだ定義されていません。つづりを確かめ、それを定義するセルを上から順に実行してください`;
    }
    case 2339: // Property 'x' does not exist on type 'T'.
    case 2551: // Property 'x' does not exist on type 'T'. Did you mean 'y'?
      return `「${name}」というプロパティはありません。つづりを確かめてください`;
    case 2322: // Type 'A' is not assignable to type 'B'.
    case 2345: // Argument of type 'A' is not assignable to parameter of type 'B'.
      return "型が合いません: 書いた値の型 (前) と、そこで求められている型 (後) を見比べてください" +
        (/\[number, number\]/.test(d.messageText) ? "。[16, 32] のような配列リテラルは number[] と推論されます: 変数に型を書くか as [number, number] を付けてください" : "");
    case 2554: // Expected n arguments, but got m.
      return "関数に渡した引数の数が違います";
    case 1005: // 'x' expected.
    case 1128: // Declaration or statement expected.
      return "書き方 (括弧や記号) が途中で終わっています。直前の行の括弧の対応を確かめてください";
    default:
      return null;
  }
}

// ---- 2. and 3.: the executor ---------------------------------------------------------------------------
const state = { interrupts: 0, cells: [], current: null };
globalThis.__lecture3_kernel = state;
let counter = 0;

const firstLine = (s) => String(s).split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 200) ?? "";

const executorModule = require(path.join(tslabDir, "dist", "executor.js"));
const createExecutor = executorModule.createExecutor;
executorModule.createExecutor = function (rootDir, convs, out) {
  // the node converter: add the Japanese lines to its diagnostics, remember the first one for the cell record
  const conv = convs.node;
  const convert = conv.convert;
  conv.convert = function (prevDecl, src) {
    const r = convert.call(this, prevDecl, src);
    if (r.diagnostics && r.diagnostics.length > 0) {
      // a check cell run before its answer cell: that is the only thing to say
      const missing = r.diagnostics.find((d) => (d.code === 2304 || d.code === 2552) && /^ex\d+$/.test((String(d.messageText).match(/'([^']+)'/) || [])[1] || ""));
      if (missing && /\bcheck\.ex\d+\s*\(/.test(src)) r.diagnostics = [missing];
      for (const d of r.diagnostics) {
        const ja = typeof d.messageText === "string" ? explain(d, src) : null;
        if (ja) d.messageText = `${ja}\n    (${d.messageText})`;
      }
      if (state.current) {
        const d = r.diagnostics[0];
        state.current.error = `${d.start.line + 1}:${d.start.character + 1} - ${firstLine(d.messageText)}`;
      }
    }
    return r;
  };
  const console2 = {
    log: (...args) => out.log(...args),
    error: (...args) => {
      const e = args[0];
      if (args.length === 1 && e instanceof Error) {
        if (state.current && !state.current.error) state.current.error = firstLine(e.message);
        if (e.name === "KeyboardInterrupt") return out.error(e.message); // one line, no stack
        if (e.message === "Interrupted asynchronously") {
          return out.error("KeyboardInterrupt: セルの実行を中断しました (中断に対応していない処理は、裏で最後まで動くことがあります)");
        }
        // the stack without the frames of node's vm, tslab and this file: the student's cell and the library remain
        if (typeof e.stack === "string") {
          const lines = e.stack.split("\n");
          const kept = lines.filter((l) => !/^\s+at /.test(l) || !/\(node:|node:internal|[\\/]tslab[\\/]dist[\\/]|tslab-preload\.js|^\s+at (async )?(sigintHandlersWrap|Script\.runInThisContext)/.test(l));
          if (kept.length < lines.length) return out.error(kept.join("\n"));
        }
      }
      return out.error(...args);
    },
  };
  const executor = createExecutor(rootDir, convs, console2);
  const execute = executor.execute;
  executor.execute = async function (src) {
    const rec = { n: ++counter, code: src, ok: null };
    state.cells.push(rec);
    if (state.cells.length > KEEP_CELLS) state.cells.splice(0, state.cells.length - KEEP_CELLS);
    state.current = rec;
    try {
      rec.ok = !!(await execute(src));
      return rec.ok;
    } catch (e) {
      rec.ok = false;
      throw e;
    } finally {
      if (state.current === rec) state.current = null;
    }
  };
  const interrupt = executor.interrupt;
  executor.interrupt = function () {
    state.interrupts += 1;
    const rec = state.current;
    if (!rec) return interrupt();
    // give the library's loops time to stop cleanly; then abandon the cell as tslab does
    setTimeout(() => {
      if (state.current === rec) interrupt();
    }, GRACE_MS).unref();
  };
  return executor;
};
