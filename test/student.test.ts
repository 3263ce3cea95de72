// The students' notebooks are generated from the solutions; the committed ones must be up to date,
// and the generator must empty every answer region.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), "utf8"));
const src = (nb: { cells: { cell_type: string; source: string[] }[] }, type = "code") =>
  nb.cells.filter((c) => c.cell_type === type).map((c) => c.source.join(""));

test("notebooks/04_mnist_conv.ipynb is the generated student version of the solution", () => {
  const out = execFileSync("node", [path.join(root, "scripts/make-student.js"), "--check"], { encoding: "utf8" });
  expect(out).toMatch(/✔ notebooks\/04_mnist_conv\.ipynb matches/);
});

test("the student version keeps the templates and drops the solutions", () => {
  const sol = src(read("notebooks/solutions/04_mnist_conv.ipynb"));
  const stu = src(read("notebooks/04_mnist_conv.ipynb"));
  expect(stu.length).toBe(sol.length);
  const answers = stu.filter((s) => s.includes("// ▼ 解答欄"));
  expect(answers.length).toBe(8);
  for (const a of answers) {
    expect(a).not.toMatch(/\/\/@student/);
    expect(a).toMatch(/const ex\d/);
  }
  const all = stu.join("\n");
  expect(all).not.toMatch(/reason: "畳み込み層は/); // a solution line
  expect(all).not.toMatch(/\/\/@solution/);
  expect(all).toMatch(/const reuse_saved_model = false;/);
  expect(src(read("notebooks/04_mnist_conv.ipynb"), "markdown").join("")).not.toMatch(/これは解答版です/);
});
