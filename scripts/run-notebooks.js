#!/usr/bin/env node
// Executes every lecture notebook headless with nbconvert under the tslab kernel, exports HTML,
// then checks the executed outputs (test/notebooks/checks.js): no error output, and the numbers
// each notebook prints held to their thresholds.
//   node scripts/run-notebooks.js                 all notebooks (students' first, then solutions)
//   node scripts/run-notebooks.js 02 04           only those whose file name starts with 02 or 04
//   TFJS_BACKEND=wasm node scripts/run-notebooks.js 02 04   those on the WebAssembly backend
// Executed copies go to artifacts/notebooks/, HTML exports to artifacts/html/ (both git-ignored); runs on the
// WebAssembly backend go to artifacts/notebooks-wasm/ and artifacts/html-wasm/.
//   node scripts/run-notebooks.js path/to/x.ipynb  a notebook outside notebooks/ (the fault tests' fixtures), common checks only
// Environment: LECTURE3_CELL_TIMEOUT=seconds, the per-cell timeout (default 1800; a cell running longer is stopped
// and the run fails naming it); LECTURE3_ARTIFACTS=folder instead of artifacts/.
// A cell that throws, a kernel that dies (process.exit, a crash) and a cell that times out each fail the run with
// the notebook's name and the cell's number (its index in the notebook, as the checks count) and first line.
// The full suite (no arguments, native backend) then runs WASM_CI a second time with TFJS_BACKEND=wasm (the fallback
// of issue 7; those notebooks use less training data there and say so), with the same checks; the summary counts both.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { cellSeconds, checks, runChecks } = require("../test/notebooks/checks");

const root = path.resolve(__dirname, "..");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
const out = path.resolve(process.env.LECTURE3_ARTIFACTS || path.join(root, "artifacts"));
const cellTimeout = Number(process.env.LECTURE3_CELL_TIMEOUT || 1800);
if (!(cellTimeout > 0)) {
  console.error(`LECTURE3_CELL_TIMEOUT=${process.env.LECTURE3_CELL_TIMEOUT}: give the per-cell timeout in seconds (a positive number)`);
  process.exit(2);
}
const WASM_CI = ["notebooks/02_mnist_mlp.ipynb", "notebooks/04_mnist_conv.ipynb"]; // the students' 04 (about 4 minutes together)

function notebooks() {
  const list = (dir) =>
    fs.existsSync(path.join(root, dir))
      ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f))
      : [];
  return [...list("notebooks"), ...list("notebooks/solutions")];
}

/**
 * Why nbconvert stopped before writing the executed notebook, naming the cell: a kernel that died or a cell that ran
 * past the per-cell timeout (nbclient's own messages do not say which cell). null when it is neither.
 */
function cellFailure(log, nb) {
  const started = [...log.matchAll(/\[run-notebooks\] cell (\d+) starts/g)];
  if (started.length === 0) return null;
  const n = Number(started[started.length - 1][1]);
  const cell = JSON.parse(fs.readFileSync(nb, "utf8")).cells[n];
  const line = [].concat(cell ? cell.source : "").join("").split("\n")[0].slice(0, 120);
  const where = `${path.basename(nb)}, cell ${n} (${JSON.stringify(line)})`;
  if (/CellTimeoutError/.test(log)) {
    return `${where} ran longer than the per-cell timeout of ${cellTimeout} s and was stopped; the cells after it did not run. Find why it hangs (an await that never resolves, an endless loop), or raise LECTURE3_CELL_TIMEOUT if it is only slow.`;
  }
  if (/DeadKernelError|Kernel died/.test(log)) {
    return `${where}: the kernel died while running it (process.exit, a crash of the native library, or out of memory); the cells after it did not run.`;
  }
  return null;
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env, maxBuffer: 1 << 26 });
  return { ok: r.status === 0, log: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

const only = process.argv.slice(2);
const files = only.filter((p) => p.endsWith(".ipynb") && fs.existsSync(p) && !path.resolve(p).startsWith(path.join(root, "notebooks") + path.sep));
const selected = [
  ...notebooks().filter((nb) => only.some((p) => path.basename(nb).startsWith(p) || nb.includes(p)) || only.length === 0),
  ...files.map((f) => path.resolve(f)),
];
if (selected.length === 0) {
  console.error(`no notebook matches ${only.join(" ")}`);
  process.exit(1);
}
const requested = process.env.TFJS_BACKEND ?? "auto";
const runs = selected.map((nb) => ({ nb, backend: requested }));
if (only.length === 0 && ["auto", "tensorflow"].includes(requested)) {
  for (const nb of WASM_CI) if (selected.includes(nb)) runs.push({ nb, backend: "wasm" });
}
let passed = 0;
let failed = 0;
const failures = []; // one line per failing notebook, repeated at the end
const times = [];
const t00 = Date.now();
for (const { nb, backend } of runs) {
  const lecture = !path.isAbsolute(nb); // a lecture notebook (notebooks/…), not a fixture given by its path
  const rel = lecture ? path.relative("notebooks", nb) : path.basename(nb); // e.g. 02_mnist_mlp.ipynb or solutions/04_mnist_conv.ipynb
  const wasm = backend === "wasm" || backend === "cpu";
  const suffix = wasm ? `-${backend}` : "";
  const env = { ...process.env, TFJS_BACKEND: backend };
  const execDir = path.join(out, `notebooks${suffix}`, path.dirname(rel));
  const htmlDir = path.join(out, `html${suffix}`, path.dirname(rel));
  fs.mkdirSync(execDir, { recursive: true });
  fs.mkdirSync(htmlDir, { recursive: true });
  const executed = path.join(execDir, path.basename(nb));
  fs.rmSync(executed, { force: true });
  console.log(`\n=== ${rel}${wasm ? ` (TFJS_BACKEND=${backend})` : ""}: executing with nbconvert (tslab kernel) ...`);
  const t0 = Date.now();
  const ex = run(jupyter, [
    // (the config file prints "[run-notebooks] cell N starts" on stderr before each cell: see cellFailure)
    "nbconvert", "--config", path.join(__dirname, "nbconvert-execute.py"), "--to", "notebook", "--execute",
    "--ExecutePreprocessor.kernel_name=tslab", `--ExecutePreprocessor.timeout=${cellTimeout}`,
    // keep going after a failing cell so the executed copy (with per-cell timings) is written;
    // the "no error output" check below fails the notebook on any error or stderr output
    "--ExecutePreprocessor.allow_errors=True",
    // nbclient waits only 4 s (default) for a cell's outputs after its reply, then silently drops them;
    // tslab's iopub messages were once seen to arrive later than that. Wait longer, and fail loudly if that is not enough.
    "--ExecutePreprocessor.iopub_timeout=60", "--ExecutePreprocessor.raise_on_iopub_timeout=True",
    `--output-dir=${execDir}`, nb,
  ], env);
  const seconds = (Date.now() - t0) / 1000;
  const size = fs.existsSync(executed) ? fs.statSync(executed).size : 0;
  times.push([wasm ? `${rel} (${backend})` : rel, seconds, size, wasm]);
  const results = [];
  if (!ex.ok) {
    const why = cellFailure(ex.log, nb);
    results.push({ name: "nbconvert --execute", ok: false, detail: `${why ? `${why}\n` : ""}${ex.log.split("\n").slice(-40).join("\n")}` });
  }
  if (fs.existsSync(executed)) {
    const html = run(jupyter, ["nbconvert", "--to", "html", `--output-dir=${htmlDir}`, executed]);
    results.push({ name: "HTML export", ok: html.ok, detail: html.ok ? "" : html.log.slice(-2000) });
    const doc = JSON.parse(fs.readFileSync(executed, "utf8"));
    const htmlFile = path.join(htmlDir, path.basename(nb).replace(/\.ipynb$/, ".html"));
    const ctx = { doc, html: html.ok ? fs.readFileSync(htmlFile, "utf8") : "", name: rel, backend };
    results.push(...runChecks(ctx, rel));
    if (lecture && !checks[rel]) results.push({ name: "has notebook-specific checks", ok: false, detail: `add checks for ${rel} to test/notebooks/checks.js` });
  }
  const bad = results.filter((r) => !r.ok);
  if (bad.length) failures.push(`${rel}${wasm ? ` (${backend})` : ""}: ${bad.map((r) => `${r.name}: ${r.detail.split("\n")[0]}`).join("; ")}`);
  for (const r of results) {
    console.log(`  ${r.ok ? "✔" : "✘"} ${r.name}${r.detail ? `\n      ${r.detail.replace(/\n/g, "\n      ")}` : ""}`);
    r.ok ? passed++ : failed++;
  }
  console.log(`  time: ${seconds.toFixed(1)} s`);
  if (fs.existsSync(executed)) {
    const slow = cellSeconds(JSON.parse(fs.readFileSync(executed, "utf8"))).filter((c) => c.seconds >= 10);
    if (slow.length) console.log(`  slowest cells: ${slow.map((c) => `#${c.cell} ${c.seconds.toFixed(0)} s`).join(", ")}`);
  }
}
console.log("\nnotebook execution times (native backend unless marked or TFJS_BACKEND says otherwise) and saved sizes:");
for (const [n, s, size] of times) console.log(`  ${n.padEnd(36)} ${s.toFixed(1).padStart(7)} s ${(size / 1e6).toFixed(2).padStart(7)} MB`);
const total = (Date.now() - t00) / 1000;
console.log(`  ${"total".padEnd(36)} ${total.toFixed(1).padStart(7)} s`);
// The lecture's budget for the whole suite (students' and solutions') is 20 minutes on the native backend of a
// 2-core machine, plus at most 6 minutes for the WebAssembly runs. Reported, not asserted: a wall-clock limit in a
// test flakes with the machine's load.
const wasmTotal = times.filter((t) => t[3]).reduce((a, t) => a + t[1], 0);
if (only.length === 0) {
  console.log(`suite time ${((total - wasmTotal) / 60).toFixed(1)} min: ${total - wasmTotal <= 1200 ? "within" : "OVER"} the 20-minute budget`);
  if (wasmTotal > 0) console.log(`WebAssembly runs ${(wasmTotal / 60).toFixed(1)} min: ${wasmTotal <= 360 ? "within" : "OVER"} their 6-minute budget`);
}
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f.slice(0, 400)}`).join("\n")}`);
console.log(`notebooks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
