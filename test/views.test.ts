// drawDigit's data in the kernel (lib/core/plot/views.ts) frees every tensor it makes: 02 ends with drawDigit, and
// running 02 again in one kernel must keep tf.memory().numTensors flat (test/faults-rerun.test.ts found one tensor a
// call kept by runTraced's tf.keep, which outlived the caller's tidy).
import * as tf from "@tensorflow/tfjs";
import { nn } from "../lib/core";
import { confusionData, drawDigitData, runTraced, traceKernels, tracedConstants } from "../lib/core/plot/views";
import { fromBase64 } from "../lib/core/bytes";
import { DataLoader } from "../lib/core/data/loader";
import { ImageDataset } from "../lib/core/data/dataset";
import { Compose, Normalize, ToTensor } from "../lib/core/data/transforms";

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

// drawDigit's `examples`: the first image of each digit of a dataset, its own bytes, checked against the dataset's
// transform (the page computes (bytes / 255 − mean) / std); a dataset that is not 28×28, or a transform the
// normalization does not match, is refused in Japanese. confusionView's `max_bytes` widens the images carried.

function digits(n: number, shape: [number, number, number] = [28, 28, 1], transform = Compose([ToTensor(), Normalize([0.5], [1.0])])) {
  const per = shape[0] * shape[1] * shape[2];
  const images = Uint8Array.from({ length: n * per }, (_, i) => (i * 37 + Math.floor(i / per) * 11) % 256);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 10); // 3, 0, 7, 4, 1, 8, 5, 2, 9, 6, 3, …
  return new ImageDataset(images, labels, shape, transform);
}

test("drawDigitData's examples: the first image of each digit 0-9, its bytes, in digit order", () => {
  const set = digits(30);
  const d = drawDigitData(model(), { examples: set });
  expect(d.examples!.label).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(d.examples!.index).toEqual([1, 4, 7, 0, 3, 6, 9, 2, 5, 8]);
  const bytes = fromBase64(d.examples!.pixels);
  expect(bytes.length).toBe(7840);
  expect(Array.from(bytes.subarray(784, 1568))).toEqual(Array.from(set.image(4)));
});

test("drawDigitData's examples: another normalization than the dataset's, or images that are not 28×28, are refused", () => {
  expect(() => drawDigitData(model(), { examples: digits(10), normalize: { mean: 0.1307, std: 0.3081 } })).toThrow(/transform.*normalize/);
  expect(() => drawDigitData(model(), { examples: digits(10, [32, 32, 3]) })).toThrow(/28×28 の数字の画像のデータセット/);
});

test("confusionData's max_bytes: more images of each wrong cell travel", async () => {
  const set = digits(400);
  const loader = new DataLoader({ dataset: set, batch_size: 100 });
  const m = model(); // untrained: most images are wrong
  const small = await confusionData(m, loader, { correct: 2, max_bytes: 100 * 784 });
  const large = await confusionData(m, loader, { correct: 2, max_bytes: 300 * 784 });
  expect(small.examples.index.length).toBeLessThanOrEqual(100);
  expect(large.limit.wrong).toBeGreaterThan(small.limit.wrong);
  expect(large.examples.index.length).toBeLessThanOrEqual(300);
  expect(large.examples.index.length).toBeGreaterThan(small.examples.index.length);
});
