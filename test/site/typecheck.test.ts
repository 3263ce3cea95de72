// The site kernel's type check (site/kernel/typecheck.ts) in Node, with the type bundle that npm run site ships
// (scripts/site-types.ts, built here the same way): tslab's cell semantics (an earlier cell's declarations are known
// to later cells, a cell that declares a name again shadows it), TypeScript's Japanese messages with the same
// explain() lines as the tslab edition (scripts/ts-diagnostics-ja.js), and the notebooks that run in the site (01,
// 02, 04 with its answers, 05, 08) checked cell after cell with no diagnostic, as tslab accepts them.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { buildTypeBundle } from "../../scripts/site-types";
import { CellChecker, format, setJapanese, typeErrorReply, type TypeBundle } from "../../site/kernel/typecheck";

const root = path.resolve(__dirname, "..", "..");
let bundle: TypeBundle;

beforeAll(() => {
  bundle = buildTypeBundle(root);
  setJapanese(ts, bundle.ja!);
}, 120000);

/** Checks the cells in order, each committed when it has no diagnostic (it ran); the formatted diagnostics of each. */
function run(cells: string[], checker = new CellChecker(ts, bundle)): string[][] {
  return cells.map((code) => {
    const r = checker.check(code);
    r.commit();
    return r.diagnostics.map(format);
  });
}

test("the bundle: ES2022's lib, the globals, lecture3's browser face, TF.js, the Japanese messages; nothing else", () => {
  const files = Object.keys(bundle.files);
  expect(files).toContain("/lib/lib.es5.d.ts");
  expect(files).toContain("/lib/lib.es2022.d.ts");
  expect(files.some((f) => /\/lib\/lib\.dom/.test(f))).toBe(false);
  expect(files).toContain("/cell-globals.d.ts");
  expect(files).toContain("/node_modules/lecture3/browser/index.d.ts");
  expect(files).toContain("/node_modules/@tensorflow/tfjs/dist/index.d.ts");
  expect(files.every((f) => /^\/(lib\/lib\.[\w.]+\.d\.ts|cell-globals\.d\.ts|node_modules\/.+\.(d\.ts|json))$/.test(f))).toBe(true);
  expect(JSON.parse(bundle.ja!)).toBeInstanceOf(Object);
  expect(bundle.typescript).toBe(ts.version);
});

test("a type error: tslab's line:col and the Japanese message with the explain() line in front", () => {
  const [misspelt, notNumber, ok] = run([
    'const result = { accuracy: 0.9 };\nconsole.log(result.acuracy);',
    'const y: number = "a";',
    "console.log(1);",
  ]);
  expect(misspelt).toEqual([expect.stringMatching(/^2:20 - 「acuracy」というプロパティはありません。つづりを確かめてください\n {4}\(プロパティ 'acuracy' は型 '\{ accuracy: number; \}' に存在していません。'accuracy' ですか\?\)$/)]);
  expect(notNumber).toEqual(["1:7 - 型が合いません: 書いた値の型 (前) と、そこで求められている型 (後) を見比べてください\n    (型 'string' を型 'number' に割り当てることはできません。)"]);
  expect(ok).toEqual([]);
});

test("earlier cells' declarations are known later; a cell that failed the check adds nothing; redeclaring shadows", () => {
  const checker = new CellChecker(ts, bundle);
  expect(run([
    'import * as tf from "@tensorflow/tfjs";\nimport { nn, type ExperimentResult } from "lecture3";',
    "const x = 1;\nlet n: number = 2;\nfunction twice(v: number) { return 2 * v; }\ninterface P { a: number }\ntype Q = { b: string };\nclass Net extends nn.Module { l = new nn.Linear(2, 1); forward(t: tf.Tensor) { return this.l.forward(t); } }\nenum E { A, B }",
    'const bad: number = "no";\nconst only_in_bad = 1;',
    "const p: P = { a: twice(x) };\nconst q: Q = { b: String(E.B) };\nn = 3;\nconst out: tf.Tensor = new Net().forward(tf.zeros([1, 2]));\nlet r: ExperimentResult | undefined;",
    "only_in_bad",
    'const x = "again";\nconst s: string = x;', // a cell run again (or another cell) declaring x anew: no duplicate, the new type
    "const t: string = x;\nconst u: number = p.a;",
    "x.toUpperCase()",
  ], checker)).toEqual([
    [],
    [],
    [expect.stringMatching(/^1:7 - 型が合いません/)],
    [],
    [expect.stringMatching(/^1:1 - 「only_in_bad」はまだ定義されていません/)],
    [],
    [],
    [],
  ]);
  // a const is still a const in a later cell (tslab says so too)
  expect(run(["x = \"c\";"], checker)).toEqual([[expect.stringMatching(/^1:1 - .*'x'/)]]);
  checker.reset(); // Kernel > Restart
  expect(run(["x"], checker)).toEqual([[expect.stringMatching(/^1:1 - 「x」はまだ定義されていません/)]]);
});

test("a check cell run before its answer cell says only that; a syntax error as tslab shows it; fs as the site has it", () => {
  expect(run([
    'import { check } from "lecture3";\ncheck.ex1(ex1, undefinedModel);',
    "const a = (1 + 2;",
    'import * as fs from "fs";\nconst text: string = fs.readFileSync("models/h.json", "utf8");\nfs.rmSync("x");',
    'import * as path from "path";', // passes the check; the worker says in Japanese that Node's modules are not in the site
  ])).toEqual([
    ["2:11 - 未解答: 演習1 の答え ex1 がまだありません。上の解答セル (▼ 解答欄) を実行してから、このセルをもう一度実行してください\n    (名前 'ex1' が見つかりません。)"],
    ["1:17 - 書き方 (括弧や記号) が途中で終わっています。直前の行の括弧の対応を確かめてください\n    (')' が必要です。)"],
    [expect.stringMatching(/^3:4 - 「rmSync」というプロパティはありません/)],
    [],
  ]);
});

test("the same replies as the tslab edition's kernel (tslab's executor with scripts/tslab-preload.js) for beginners' type errors", () => {
  const cells = [
    "const result = { accuracy: 0.9 };\nconsole.log(result.acuracy);", // 2551, explain()'s property line
    'const y: number = "a";', // 2322
    'import { check } from "lecture3";\ncheck.ex1(ex1, undefinedModel);', // a check cell before its answer cell
    "const a = (1 + 2;", // 1005
    "console.log(undefinedName);", // 2552
    "function f(a: number) { return a; }\nf(1, 2);", // 2554
    "const s2 = [16, 32];\nconst s3: [number, number] = s2;", // 2322 with the [number, number] hint
    "let n = 1;\nn = \"x\";\nn.foo;", // two diagnostics
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-")), "cells.json");
  fs.writeFileSync(file, JSON.stringify(cells));
  const tslab = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, "tslab-diagnostics.js"), file], { encoding: "utf8", timeout: 120000 }));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const checker = new CellChecker(ts, bundle);
  const site = cells.map((code) => {
    const { diagnostics } = checker.check(code);
    return diagnostics.length ? { ok: false, error: typeErrorReply(diagnostics).evalue, failure: typeErrorReply(diagnostics) } : { ok: true, error: null, failure: null };
  });
  expect(site).toEqual(tslab);
  expect(tslab.every((r: { ok: boolean }) => !r.ok)).toBe(true);
}, 120000);

test("one explain(): the tslab preload and the site's checker both use scripts/ts-diagnostics-ja.js", () => {
  const preload = fs.readFileSync(path.join(root, "scripts", "tslab-preload.js"), "utf8");
  expect(preload).toMatch(/require\("\.\/ts-diagnostics-ja\.js"\)/);
  expect(preload).not.toMatch(/function explain\b|case 2339/);
  expect(fs.readFileSync(path.join(root, "site", "kernel", "typecheck.ts"), "utf8")).toMatch(/from "\.\.\/\.\.\/scripts\/ts-diagnostics-ja\.js"/);
});

/** A notebook's code cells, in order (as Run All sends them). */
function codeCells(file: string): string[] {
  const doc = JSON.parse(fs.readFileSync(path.join(root, "notebooks", file), "utf8"));
  return doc.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((c: { source: string | string[] }) => [].concat(c.source as never).join(""));
}

// what runs in the site (test/site/site.spec.js, notebooks.slow.js, solutions-04.slow.js): no type error on any cell
test.each(["01_imagenet.ipynb", "02_mnist_mlp.ipynb", "solutions/04_mnist_conv.ipynb", "05_conv_pooling.ipynb", "08_deep_networks.ipynb"])("%s: every cell passes the check, in order", (file) => {
  let cells = codeCells(file);
  // solutions/04's hidden process.chdir("..") is left out in the site, as solutions-04.slow.js does
  if (file.startsWith("solutions/")) cells = cells.map((c) => c.replace(/^process\.chdir\("\.\."\);.*\n?/m, ""));
  const t0 = Date.now();
  const found = run(cells).flatMap((d, i) => d.map((text) => `cell ${i + 1}: ${text}`));
  console.log(`[typecheck] ${file}: ${cells.length} cells in ${Date.now() - t0} ms`);
  expect(found).toEqual([]);
});
