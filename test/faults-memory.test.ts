// Issue 12, memory: a 10-epoch fit() (training, evaluation, history) on a small synthetic subset keeps
// tf.memory().numTensors flat from epoch to epoch, and the process's resident memory bounded. The growth is printed.
import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "../lib/core/data/dataset";
import { DataLoader } from "../lib/core/data/loader";
import { ToTensor } from "../lib/core/data/transforms";
import { Net } from "../lib/core/models";
import { Adam } from "../lib/core/optim";
import { Random, manualSeed } from "../lib/core/random";
import { fit } from "../lib/core/train";
import { backend } from "./helpers";

beforeAll(backend);

function subset(n: number, seed: number): ImageDataset {
  const rng = new Random(seed);
  const images = Uint8Array.from({ length: n * 784 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  return new ImageDataset(images, labels, [28, 28, 1], ToTensor());
}

test("10 epochs of fit() on a small subset: numTensors flat after every epoch, resident memory bounded", async () => {
  manualSeed(0);
  const empty = tf.memory().numTensors;
  const model = new Net({ dropout: 0.2 });
  const opt = Adam(model.parameters(), { lr: 1e-3 });
  const train_loader = new DataLoader({ dataset: subset(500, 1), batch_size: 50, shuffle: true });
  const test_loader = new DataLoader({ dataset: subset(200, 2), batch_size: 100 });
  const before = tf.memory().numTensors;
  const tensors: number[] = [];
  const rss: number[] = [];
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    await fit(model, opt, train_loader, test_loader, {
      epochs: 10,
      progress: false,
      on_epoch: () => {
        tensors.push(tf.memory().numTensors);
        rss.push(process.memoryUsage().rss);
      },
    });
  } finally {
    log.mockRestore();
  }
  const mb = (b: number) => Math.round(b / 1e6);
  console.log(
    `memory over 10 epochs: numTensors ${before} before, ${tensors.join(" ")} after each epoch ` +
      `(growth from epoch 1 to 10: ${tensors[9] - tensors[0]}); rss ${rss.map(mb).join(" ")} MB (epoch 2 → 10: ${mb(rss[9] - rss[1])} MB)`,
  );
  expect(tensors).toHaveLength(10);
  expect(new Set(tensors)).toEqual(new Set([tensors[0]])); // optimizer slots are made in epoch 1, nothing after
  expect(tensors[0] - before).toBeLessThanOrEqual(2 * model.parameters().length); // Adam's two moments per parameter
  expect(rss[9] - rss[1]).toBeLessThan(200e6);
  opt.dispose();
  model.dispose();
  expect(tf.memory().numTensors).toBe(empty); // nothing outlives the model and its optimizer
});
