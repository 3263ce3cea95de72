// Issue 12, item 5: running a notebook again in the same kernel (Run All twice, three times) does not grow without
// bound. 02 (the cheapest notebook that trains) runs three times in one tslab kernel through jupyter_client
// (test/kernel/rerun.py); after each pass the kernel reports tf.memory().numTensors and its resident memory.
// Measured (2-core machine, native backend, two runs): numTensors 9, 18, 27 (each pass leaves the previous pass's
// model: a new `const model = new Net()` replaces the variable, and TensorFlow.js frees tensors only on dispose());
// resident memory 740, 840, 844 MiB and 765, 824, 799 MiB (the second pass warms TensorFlow's allocator; the third
// adds at most 5 MiB).
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

test("running 02 three times in one kernel: every cell passes each time, numTensors grows by at most one model a pass, resident memory levels off", () => {
  const env = { ...process.env, LECTURE3_DATA_MIRROR: dataMirror(), JUPYTER_PATH: path.join(ROOT, ".venv", "share", "jupyter"), PATH: `${ROOT}/.venv/bin:${process.env.PATH}` };
  const r = spawnSync(path.join(ROOT, ".venv", "bin", "python"), ["test/kernel/rerun.py", "notebooks/02_mnist_mlp.ipynb", "3", "model.parameters().length"], { cwd: ROOT, env, encoding: "utf8", timeout: 900000 });
  const passes: Pass[] = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  if (passes.length !== 3) throw new Error(`rerun.py did not finish three passes (status ${r.status}):\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  console.log(passes.map((p) => `pass ${p.pass}: ${p.seconds} s, numTensors ${p.numTensors}, RSS ${(p.rss / 2 ** 20).toFixed(0)} MiB`).join("\n"));
  expect(passes.map((p) => p.failed)).toEqual([[], [], []]);
  // tensors: the same growth each pass (no pass leaks more than the one before), at most the last model's
  // parameters and one optimizer state per parameter
  const [a, b, c] = passes.map((p) => p.numTensors);
  expect(c - b).toBeLessThanOrEqual(b - a);
  expect(b - a).toBeLessThanOrEqual(2 * passes[0].value);
  // resident memory: the third pass adds less than 64 MiB (a model of 02 is about 5 MB)
  expect(passes[2].rss - passes[1].rss).toBeLessThan(64 * 2 ** 20);
}, 900000);
