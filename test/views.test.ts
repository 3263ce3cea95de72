// drawDigit's data in the kernel (lib/core/plot/views.ts) frees every tensor it makes: 02 ends with drawDigit, and
// running 02 again in one kernel must keep tf.memory().numTensors flat (test/faults-rerun.test.ts found one tensor a
// call kept by runTraced's tf.keep, which outlived the caller's tidy).
import * as tf from "@tensorflow/tfjs";
import { nn } from "../lib/core";
import { drawDigitData, runTraced, traceKernels, tracedConstants } from "../lib/core/plot/views";

const model = () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));

test("drawDigitData leaves no tensor behind, and its trace replays the model's forward", () => {
  const m = model();
  drawDigitData(m); // first call: whatever the backend allocates once
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) drawDigitData(m);
  expect(tf.memory().numTensors).toBe(before);
});

test("runTraced inside a tidy leaves nothing; outside, the caller owns the one tensor it returns", () => {
  const m = model();
  const g = traceKernels((x) => m.forward(x), [1, 28, 28, 1]);
  const constants = tracedConstants(g);
  const x = tf.randomUniform([1, 28, 28, 1]);
  const before = tf.memory().numTensors;
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(runTraced(g, constants, x), m.forward(x)))).dataSync()[0]);
  expect(diff).toBeLessThan(1e-5);
  expect(tf.memory().numTensors).toBe(before);
  const y = runTraced(g, constants, x);
  expect(tf.memory().numTensors).toBe(before + 1);
  y.dispose();
  tf.dispose([x, ...constants.values()]);
});
