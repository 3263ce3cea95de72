// Issue 12, item 7: notebooks that fail in the kernel, run through the real notebook runner (scripts/run-notebooks.js:
// nbconvert --execute under the tslab kernel, then the output checks of test/notebooks/checks.js). The fixtures in
// test/fixtures-notebooks/ do not load TensorFlow (a kernel start costs seconds), so their "backend cell" check
// fails too; each test reads the lines of its own fault. One run of the runner serves all four notebooks.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(ROOT, "test", "fixtures-notebooks");
const TIMEOUT_S = 8; // the per-cell timeout given to the runner (LECTURE3_CELL_TIMEOUT)

let status: number | null;
let log: string;
let artifacts: string;

/** The runner's lines about one notebook: from its "=== name" header to the next. */
function section(name: string): string {
  const start = log.indexOf(`=== ${name}:`);
  if (start < 0) throw new Error(`the runner did not run ${name}:\n${log}`);
  const next = log.indexOf("\n=== ", start + 1);
  return log.slice(start, next < 0 ? log.indexOf("\nnotebook execution times") : next);
}
/** The one-line summary of a failing notebook at the end of the run. */
const summary = (name: string) => log.slice(log.indexOf("\nfailed:\n")).split("\n").find((l) => l.trim().startsWith(`${name}:`)) ?? "";

beforeAll(() => {
  artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "faults-kernel-"));
  const notebooks = ["throws", "exits", "hangs", "silent"].map((n) => path.join(FIXTURES, `${n}.ipynb`));
  const env = { ...process.env, LECTURE3_CELL_TIMEOUT: String(TIMEOUT_S), LECTURE3_ARTIFACTS: artifacts, PATH: `${ROOT}/.venv/bin:${process.env.PATH}` };
  const r = spawnSync("node", [path.join(ROOT, "scripts", "run-notebooks.js"), ...notebooks], { cwd: ROOT, env, encoding: "utf8", timeout: 600000 });
  status = r.status;
  log = `${r.stdout}${r.stderr}`;
}, 620000);
afterAll(() => fs.rmSync(artifacts, { recursive: true, force: true }));

test("a cell that throws fails the notebook run, naming the notebook, the cell and the error", () => {
  expect(status).toBe(1);
  const s = section("throws.ipynb");
  expect(s).toMatch(/✘ no error output .*\n\s+cell 2: Error: injected: this cell throws/);
  expect(summary("throws.ipynb")).toMatch(/no error output.*cell 2: Error: injected: this cell throws/);
  // the executed copy is kept (allow_errors): the cell after it ran, and its error is in the saved outputs
  const doc = JSON.parse(fs.readFileSync(path.join(artifacts, "notebooks", "throws.ipynb"), "utf8"));
  expect(doc.cells[2].outputs.some((o: { ename?: string }) => o.ename === "Error")).toBe(true);
  expect(JSON.stringify(doc.cells[3].outputs)).toContain("after");
});

test("a kernel that dies (process.exit in a cell) fails the run naming the notebook and the cell; nothing after it runs", () => {
  const s = section("exits.ipynb");
  expect(s).toMatch(/✘ nbconvert --execute\n\s+exits\.ipynb, cell 2 \("process\.exit\(3\);.*"\): the kernel died while running it/);
  expect(summary("exits.ipynb")).toMatch(/cell 2 .*the kernel died/);
  expect(fs.existsSync(path.join(artifacts, "notebooks", "exits.ipynb"))).toBe(false);
});

test("a cell that never ends is stopped by the per-cell timeout (LECTURE3_CELL_TIMEOUT) with a message naming the cell", () => {
  const s = section("hangs.ipynb");
  expect(s).toMatch(new RegExp(`hangs\\.ipynb, cell 2 \\("await new Promise.*"\\) ran longer than the per-cell timeout of ${TIMEOUT_S} s and was stopped.*LECTURE3_CELL_TIMEOUT`));
  expect(summary("hangs.ipynb")).toMatch(/cell 2 .*per-cell timeout/);
  // stopped after the timeout, not after the default 1800 s (the kernel's start and the first cell take the rest)
  const seconds = Number((/time: ([\d.]+) s/.exec(s) ?? [])[1]);
  expect(seconds).toBeGreaterThanOrEqual(TIMEOUT_S);
  expect(seconds).toBeLessThan(TIMEOUT_S + 150);
});

test("a figure missing from a cell's output fails the output checks (a silent notebook is not a passing notebook)", () => {
  const s = section("silent.ipynb");
  // nothing else went wrong: the notebook ran without an error, and the figure that was drawn passes
  expect(s).toMatch(/✔ no error output/);
  expect(s).toMatch(/✔ every code cell ran/);
  expect(s).toMatch(/✘ every cell that calls a show…\(\) function .*\n\s+cell 2 \(if \(draw\) plot\.showBar\(.*\) shows no figure/);
  expect(s).not.toMatch(/cell 1 \(.*\) shows no figure/);
  expect(summary("silent.ipynb")).toMatch(/cell 2 .*shows no figure/);
});
