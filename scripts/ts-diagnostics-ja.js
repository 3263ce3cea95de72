// TypeScript's diagnostics as a student meets them, in Japanese: one module for both kernels, the tslab edition's
// (scripts/tslab-preload.js, run by node) and the site's (site/kernel/worker.ts through site/kernel/typecheck.ts,
// bundled by esbuild). The messages themselves are TypeScript's own `ja` ones (each kernel sets the locale); this
// adds a line in front of the commonest ones that says what to do, and a check cell run before its answer cell
// says only that. A diagnostic here is tslab's shape: { start: { line, character } (0-based), messageText (a
// string), code }.
"use strict";

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

/**
 * A cell's diagnostics as the student sees them (changed in place, and returned): a check cell run before its
 * answer cell (`check.exN(...)` with `exN` not defined) keeps only that diagnostic, and every diagnostic that
 * explain() knows gets its Japanese line in front: "<line>\n    (<TypeScript's message>)".
 */
function localize(diagnostics, src) {
  const missing = diagnostics.find((d) => (d.code === 2304 || d.code === 2552) && /^ex\d+$/.test((String(d.messageText).match(/'([^']+)'/) || [])[1] || ""));
  if (missing && /\bcheck\.ex\d+\s*\(/.test(src)) diagnostics.splice(0, diagnostics.length, missing);
  for (const d of diagnostics) {
    const ja = typeof d.messageText === "string" ? explain(d, src) : null;
    if (ja) d.messageText = `${ja}\n    (${d.messageText})`;
  }
  return diagnostics;
}

/** One diagnostic as tslab prints it ("%s%d:%d - %s" without a file name): "2:19 - <message>", 1-based. */
function format(d) {
  return `${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`;
}

module.exports = { explain, localize, format };
