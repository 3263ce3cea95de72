// Issue 12, item 5: running a notebook again in the same kernel (Run All twice, three times) does not grow without
// bound. 02 (the cheapest notebook that trains) runs three times in one tslab kernel through jupyter_client
// (test/kernel/rerun.py), training one epoch instead of three (what is measured is what a re-run leaves behind); after
// each pass and a full garbage collection the kernel reports tf.memory().numTensors and its resident memory. A cell run
// again frees the models and optimizer state its previous run made (lib/core/ownership.ts; the garbage collector frees
// nothing), so the count stays where the first pass left it.
// Measured (2-core machine, native backend): numTensors 7, 7, 7; resident memory 673, 719, 733 MiB. Before the models
// freed their weights: 9, 18, 27 (one model a pass); before 02's first-batch cell freed its min()/max(): 9, 11, 13.
import { spawnSync } from "child_process";
import * as path from "path";
import { dataMirror } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
interface Pass {
  pass: number;
  seconds: number;
  failed: string[];
  numTensors: number;
  rss: number;
  value: number;
}

test("running 02 three times in one kernel: every cell passes each time, numTensors stays flat, resident memory levels off", () => {
  const env = { ...process.env, LECTURE3_DATA_MIRROR: dataMirror(), JUPYTER_PATH: path.join(ROOT, ".venv", "share", "jupyter"), PATH: `${ROOT}/.venv/bin:${process.env.PATH}` };
  const r = spawnSync(path.join(ROOT, ".venv", "bin", "python"), ["test/kernel/rerun.py", "notebooks/02_mnist_mlp.ipynb", "3", "model.parameters().length", "loop < 3=>loop < 1"], { cwd: ROOT, env, encoding: "utf8", timeout: 900000 });
  const passes: Pass[] = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  if (passes.length !== 3) throw new Error(`rerun.py did not finish three passes (status ${r.status}):\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  console.log(passes.map((p) => `pass ${p.pass}: ${p.seconds} s, numTensors ${p.numTensors}, RSS ${(p.rss / 2 ** 20).toFixed(0)} MiB`).join("\n"));
  expect(passes.map((p) => p.failed)).toEqual([[], [], []]);
  // tensors: the second and third passes leave exactly as many as the first (the old model and optimizer are freed)
  expect(passes.map((p) => p.numTensors)).toEqual([passes[0].numTensors, passes[0].numTensors, passes[0].numTensors]);
  expect(passes[0].value).toBe(6); // the model's 6 parameter tensors are among them
  // resident memory: the third pass adds less than 64 MiB (a model of 02 is about 5 MB)
  expect(passes[2].rss - passes[1].rss).toBeLessThan(64 * 2 ** 20);
}, 900000);
