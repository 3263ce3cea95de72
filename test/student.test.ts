// The students' notebooks are generated from the solutions; the committed ones must be up to date,
// and the generator must empty every answer region. The 04 notebook's exercises must read as the checkers grade.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { EX2_RIGHT, EX2_STATEMENTS } from "../lib/exercises/ex2";

const root = path.resolve(__dirname, "..");
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));
const src = (nb: { cells: { cell_type: string; source: string[] }[] }, type = "code") =>
  nb.cells.filter((c) => c.cell_type === type).map((c) => c.source.join(""));

test("notebooks/04_mnist_conv.ipynb and 08_deep_networks.ipynb are the generated student versions of the solutions", () => {
  const out = execFileSync("node", [path.join(root, "scripts/make-student.js"), "--check"], { encoding: "utf8" });
  expect(out).toMatch(/✔ notebooks\/04_mnist_conv\.ipynb matches/);
  expect(out).toMatch(/✔ notebooks\/08_deep_networks\.ipynb matches/);
});

test("08's student version keeps 演習9's template and runs nothing in its answer cell", () => {
  const stu = src(read("notebooks/08_deep_networks.ipynb"));
  const answers = stu.filter((s) => s.includes("// ▼ 解答欄"));
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatch(/const ex9: \{ model\?: Module \} = \{ model: undefined \}/);
  expect(answers[0]).not.toMatch(/await|residualMLP|\/\/@student/);
  expect(stu.join("\n")).toMatch(/check\.ex9\(ex9, /);
});

test("the student version keeps the templates and drops the solutions", () => {
  const sol = src(read("notebooks/solutions/04_mnist_conv.ipynb"));
  const stu = src(read("notebooks/04_mnist_conv.ipynb"));
  expect(stu.length).toBe(sol.length);
  const answers = stu.filter((s) => s.includes("// ▼ 解答欄"));
  expect(answers.length).toBe(8);
  answers.forEach((a, i) => {
    expect(a).not.toMatch(/\/\/@student/);
    expect(a).toMatch(new RegExp(`const ex${i + 1}\\b`));
    expect(a).not.toMatch(/await|report\(/); // nothing runs in an empty answer cell
  });
  const all = stu.join("\n");
  expect(all).not.toMatch(/statement: 2/); // a solution line
  expect(all).not.toMatch(/\/\/@solution/);
  expect(all).toMatch(/const reuse_saved_model = false;/);
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
  test("terminology in the notebooks' text: チャネル, not チャンネル", () => {
    for (const p of ["notebooks/solutions/04_mnist_conv.ipynb", "notebooks/04_mnist_conv.ipynb"]) {
      expect(fs.readFileSync(path.join(root, p), "utf8")).not.toMatch(/チャンネル|ギャップ/);
    }
  });
});
