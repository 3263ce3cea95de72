// The site kernel's cell transform (site/kernel/transform.ts), run in Node as the worker runs it: declarations stay
// for later cells, a cell runs again, imports are kept even when the cell does not use them, functions are hoisted,
// the last expression is the cell's value, a syntax error names its line.
import ts from "typescript";
import { transformCell, CellSyntaxError } from "../../site/kernel/transform";

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

function kernel(modules: Record<string, unknown> = {}) {
  const scope: Record<string, unknown> = Object.create(null);
  const imp = (m: string) => {
    if (!(m in modules)) throw new Error(`no module ${m}`);
    return modules[m];
  };
  return async (code: string) => {
    const { body, names } = transformCell(ts, code);
    for (const n of names) if (!(n in scope)) scope[n] = undefined;
    return new AsyncFunction("__scope", "__import", body)(scope, imp);
  };
}

test("declarations of one cell are seen by the next, and a cell can run again", async () => {
  const run = kernel();
  await run("const a: number = 2;\nlet b = a * 3;\nconst { x, y: [z] } = { x: 1, y: [5] };");
  expect(await run("a + b + x + z")).toBe(14);
  await run("const a: number = 10;"); // re-running a const cell is no error (tslab allows it too)
  expect(await run("a")).toBe(10);
});

test("imports are kept even when the cell does not use them; type-only imports are dropped", async () => {
  const run = kernel({ m: { default: "D", f: () => 7, g: 8 } });
  await run('import D, { f as h, g } from "m";\nimport * as all from "m";\nimport type { T } from "m";');
  expect(await run("[D, h(), g, all.g]")).toEqual(["D", 7, 8, 8]);
  await expect(run('import { q } from "missing";')).rejects.toThrow("no module missing");
});

test("functions are hoisted, classes and top-level await work, the last expression is the value", async () => {
  const run = kernel();
  expect(await run("const v = twice(await Promise.resolve(4));\nfunction twice(n: number): number { return 2 * n; }\nv")).toBe(8);
  await run("class Counter { n = 0; inc(): this { this.n++; return this; } }");
  expect(await run("new Counter().inc().inc().n")).toBe(2);
  expect(await run("let s = 0;\nfor (let i = 0; i < 3; i++) { s += i; }")).toBeUndefined();
  expect(await run("s")).toBe(3);
});

test("a syntax error names its line in Japanese", () => {
  try {
    transformCell(ts, "const ok = 1;\nconst x: = 3;");
    throw new Error("no error");
  } catch (e) {
    expect(e).toBeInstanceOf(CellSyntaxError);
    expect((e as CellSyntaxError).line).toBe(2);
    expect((e as Error).message).toMatch(/^2 行目: /);
  }
});
