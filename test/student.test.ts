// The students' notebooks are generated from the solutions by nbgrader (npm run student, scripts/student.sh); the
// committed ones must be up to date, every answer region must be emptied, and the check cells locked for grading.
// The 04 notebook's exercises must read as the checkers grade. Under nbgrader's autograding a check that is not ✔ throws.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { check } from "../lib/core/exercises";
import { EX2_RIGHT, EX2_STATEMENTS } from "../lib/core/exercises/ex2";

const root = path.resolve(__dirname, "..");
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));
const src = (nb: { cells: { cell_type: string; source: string[] }[] }, type = "code") =>
  nb.cells.filter((c) => c.cell_type === type).map((c) => c.source.join(""));

test("notebooks/04_mnist_conv.ipynb and 08_deep_networks.ipynb are what nbgrader generates from the solutions", () => {
  const out = execFileSync("bash", [path.join(root, "scripts/student.sh"), "--check"], { encoding: "utf8" });
  expect(out).toMatch(/✔ notebooks\/04_mnist_conv\.ipynb is nbgrader's student version/);
  expect(out).toMatch(/✔ notebooks\/08_deep_networks\.ipynb is nbgrader's student version/);
});

test("nbgrader metadata: answer cells are solution cells, check cells locked and graded 1 point each, in both versions", () => {
  for (const [p, n] of [["04_mnist_conv", 8], ["08_deep_networks", 1]] as const) {
    for (const file of [`notebooks/solutions/${p}.ipynb`, `notebooks/${p}.ipynb`]) {
      const cells: { source: string[]; metadata: { nbgrader?: Record<string, unknown> } }[] = read(file).cells;
      const graded = cells.filter((c) => c.metadata.nbgrader);
      const answers = graded.filter((c) => c.metadata.nbgrader!.solution === true);
      const checks = graded.filter((c) => c.metadata.nbgrader!.grade === true);
      expect(answers.map((c) => c.source.join("").split("\n")[0])).toEqual([...Array(n)].map((_, i) => `// ▼ 解答欄 (演習${i + (p === "04_mnist_conv" ? 1 : 9)})`));
      expect(answers.every((c) => c.source.join("").trimEnd().endsWith("// ▲ 解答欄ここまで"))).toBe(true);
      expect(checks.map((c) => [c.metadata.nbgrader!.locked, c.metadata.nbgrader!.points, /^check\.ex\d\(/.test(c.source.join(""))])).toEqual([...Array(n)].map(() => [true, 1, true]));
      expect(graded).toHaveLength(2 * n);
    }
  }
});

test("the solutions mark only whole regions: no make-student markers are left", () => {
  for (const p of ["04_mnist_conv", "08_deep_networks"]) {
    const sol = fs.readFileSync(path.join(root, `notebooks/solutions/${p}.ipynb`), "utf8");
    expect(sol).not.toMatch(/\/\/@student|\/\/@solution|<!-- @solution -->/);
    expect(fs.readFileSync(path.join(root, `notebooks/${p}.ipynb`), "utf8")).not.toMatch(/BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN|END HIDDEN|これは解答版です/);
  }
});

describe("a check under nbgrader's autograding (NBGRADER_EXECUTION set) and in JupyterLab (unset)", () => {
  const saved = process.env.NBGRADER_EXECUTION;
  afterEach(() => {
    if (saved === undefined) delete process.env.NBGRADER_EXECUTION;
    else process.env.NBGRADER_EXECUTION = saved;
  });
  const lines = (f: () => void) => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    let thrown: unknown;
    try {
      f();
    } catch (e) {
      thrown = e;
    }
    const out = log.mock.calls.map((c) => String(c[0]));
    log.mockRestore();
    return { out, thrown };
  };
  // a wrong answer that needs no model: the checker's first hint asks for the model
  const wrong = () => check.ex1({ conv1: { shape: [26, 26, 32], params: 320 } }, undefined as never);
  const hint = /^演習1: ✘ check\.ex1\(answer, model\) のように/;
  test("in JupyterLab a wrong or blank answer prints its line and does not throw", () => {
    delete process.env.NBGRADER_EXECUTION;
    const r = lines(wrong);
    expect(r.thrown).toBeUndefined();
    expect(r.out).toEqual([expect.stringMatching(hint)]);
    expect(lines(() => check.ex1(undefined, undefined as never)).thrown).toBeUndefined();
  });
  test("under autograde a wrong or blank answer prints its line, then throws one line", () => {
    process.env.NBGRADER_EXECUTION = "autograde";
    const r = lines(wrong);
    expect(r.out).toEqual([expect.stringMatching(hint)]);
    expect((r.thrown as Error).name).toBe("CheckFailed");
    expect((r.thrown as Error).message).toBe("演習1 は ✔ ではないので 0 点です (nbgrader の自動採点)");
    const blank = lines(() => check.ex1(undefined, undefined as never));
    expect(blank.out).toEqual([expect.stringMatching(/^演習1: 未解答/)]);
    expect((blank.thrown as Error).name).toBe("CheckFailed");
  });
});

test("08's student version keeps 演習9's template and runs nothing in its answer cell", () => {
  const stu = src(read("notebooks/08_deep_networks.ipynb"));
  const answers = stu.filter((s) => s.includes("// ▼ 解答欄"));
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatch(/const ex9: \{ model\?: Module \} = \{ model: undefined \}/);
  expect(answers[0]).not.toMatch(/await|residualMLP|my_model/);
  expect(stu.join("\n")).toMatch(/check\.ex9\(ex9, /);
});

test("the student version keeps the templates and drops the solutions", () => {
  const sol = src(read("notebooks/solutions/04_mnist_conv.ipynb"));
  const stu = src(read("notebooks/04_mnist_conv.ipynb"));
  expect(stu.length).toBe(sol.length);
  const answers = stu.filter((s) => s.includes("// ▼ 解答欄"));
  expect(answers.length).toBe(8);
  answers.forEach((a, i) => {
    expect(a).toMatch(new RegExp(`const ex${i + 1}\\b`));
    expect(a).not.toMatch(/await|report\(/); // nothing runs in an empty answer cell
  });
  const all = stu.join("\n");
  expect(all).not.toMatch(/statement: 2/); // a solution line
  expect(all).toMatch(/let reuse_saved_model = false;/);
  expect(all).not.toMatch(/process\.chdir/);
  expect(src(read("notebooks/04_mnist_conv.ipynb"), "markdown").join("")).not.toMatch(/これは解答版です/);
});

describe("04: what the exercises show and ask", () => {
  const nb = read("notebooks/solutions/04_mnist_conv.ipynb");
  const cells: { cell_type: string; source: string[] }[] = nb.cells;
  const code = (c: { source: string[] }) => c.source.join("");
  test("演習1's answers are not on screen before its check: summary() comes after check.ex1", () => {
    const summary = cells.findIndex((c) => c.cell_type === "code" && /\.summary\(\[28, 28, 1\]\)/.test(code(c)));
    const check1 = cells.findIndex((c) => c.cell_type === "code" && /^check\.ex1\(/.test(code(c)));
    expect(check1).toBeGreaterThan(0);
    expect(summary).toBeGreaterThan(check1);
    expect(cells.filter((c) => c.cell_type === "code" && /\.summary\(\[/.test(code(c)))).toHaveLength(1);
  });
  test("演習2 lists the checker's statements, numbered as graded, and explains 重み共有", () => {
    const md = cells.filter((c) => c.cell_type === "markdown").map(code).join("\n");
    EX2_STATEMENTS.forEach((s, i) => expect(md).toContain(`${i + 1}. ${s}`));
    expect(EX2_STATEMENTS[EX2_RIGHT - 1]).toMatch(/重み共有/);
    expect(md).toMatch(/\*\*重み共有\*\*/);
  });
  test("each check cell is one statement that returns nothing visible (check.exN(...);)", () => {
    const checks = cells.filter((c) => c.cell_type === "code" && /check\.ex\d\(/.test(code(c)) && !/▼ 解答欄/.test(code(c)));
    expect(checks).toHaveLength(8);
    checks.forEach((c, i) => expect(code(c).trim()).toMatch(new RegExp(`^check\\.ex${i + 1}\\([^;\\n]*\\);$`)));
  });
});
