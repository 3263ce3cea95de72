// 演習9 (08_deep_networks): the 20-layer network must train without becoming shallower or bigger. Graded on the
// student's own model (depth, parameters, and the loss it reaches, measured by the checker), on a small fixture.
import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "../lib/core/data/dataset";
import { DataLoader } from "../lib/core/data/loader";
import { Compose, Normalize, ToTensor } from "../lib/core/data/transforms";
import { check, CheckResult } from "../lib/core/exercises";
import { EX9_MAX_LOSS } from "../lib/core/exercises/ex9";
import { LogSoftmax, Residual } from "../lib/core/layers";
import { Flatten, Linear, Module, ReLU, Sequential } from "../lib/core/nn";
import { SGD } from "../lib/core/optim";
import { manualSeed } from "../lib/core/random";
import { trainStep } from "../lib/core/train";
import { backend } from "./helpers";

const WIDTH = 16;
/** depth Linear layers: 784 → WIDTH → … → 10, as 08's plainMLP (ReLU) */
function plain(depth: number, width = WIDTH): Module {
  const layers: Module[] = [new Flatten(), new Linear(784, width), new ReLU()];
  for (let i = 0; i < depth - 2; i++) layers.push(new Linear(width, width), new ReLU());
  return new Sequential(...layers, new Linear(width, 10), new LogSoftmax());
}
/** the same depth and parameters with two-layer residual blocks, as 08's residualMLP */
function residual(depth: number): Module {
  const layers: Module[] = [new Flatten(), new Linear(784, WIDTH), new ReLU()];
  for (let i = 0; i < (depth - 2) / 2; i++) layers.push(new Residual(new Sequential(new Linear(WIDTH, WIDTH), new ReLU(), new Linear(WIDTH, WIDTH)), null, new ReLU()));
  return new Sequential(...layers, new Linear(WIDTH, 10), new LogSoftmax());
}

let data: ImageDataset;
let log: jest.SpyInstance;
beforeAll(async () => {
  await backend();
  // 200 images whose class k lights up the rows 2k..2k+2: easy to learn, so a network that can train does
  const n = 200;
  const images = new Uint8Array(n * 784);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  for (let i = 0; i < n; i++) for (let p = 0; p < 84; p++) images[i * 784 + (2 * labels[i] + 4) * 28 + p] = 255;
  data = new ImageDataset(images, labels, [28, 28, 1], Compose([ToTensor(), Normalize([0.5], [1.0])]));
});
beforeEach(() => (log = jest.spyOn(console, "log").mockImplementation(() => undefined)));
afterEach(() => log.mockRestore());

function grade(answer: unknown): CheckResult {
  check.ex9(answer, { plain: plain(20), data: data });
  return check.result(9)!;
}

async function train(model: Module, steps: number): Promise<Module> {
  const opt = SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const loader = new DataLoader({ dataset: data, batch_size: 50, shuffle: true, seed: 1 });
  for (let s = 0; s < steps; ) for await (const [x, y] of loader) if (s++ < steps) trainStep(model, opt, x, y);
  return model;
}

test("the template is 未解答, a value that is not a model gets a hint", () => {
  expect(grade({ model: undefined }).status).toBe("unanswered");
  const r = grade({ model: 0.3 });
  expect(r.status).toBe("wrong");
  expect(r.message).toMatch(/model には学習したモデル \(nn\.Module\)/);
});

test("a shallower network is not the answer: the hint names the Linear layers", () => {
  manualSeed(1);
  const r = grade({ model: plain(10) });
  expect(r.status).toBe("wrong");
  expect(r.message).toMatch(/全結合層 \(Linear\) が 10 層あります。plain と同じ 20 層/);
});

test("a wider network is not the answer: the hint names the parameter counts", () => {
  manualSeed(1);
  const r = grade({ model: plain(20, WIDTH + 8) });
  expect(r.status).toBe("wrong");
  expect(r.message).toMatch(/パラメータ数 .* 個は plain の .* 個と 2.5 % を超えて違います/);
});

test("the plain network trained the same way does not learn: ✘ with the loss the checker measured", async () => {
  manualSeed(1);
  const model = await train(plain(20), 60);
  const r = grade({ model: model });
  expect(r.status).toBe("wrong");
  const loss = Number(r.message.match(/訓練画像 1,000 枚で ([\d.]+) です/)?.[1]);
  expect(loss).toBeGreaterThan(EX9_MAX_LOSS);
});

test("the residual network learns: ✔, with the loss measured in the check", async () => {
  manualSeed(1);
  const res = await train(residual(20), 60);
  const r = grade({ model: res });
  expect(r.status).toBe("correct");
  expect(r.message).toMatch(/20 層・パラメータ .* 個のまま、訓練画像 1,000 枚での損失 0\.\d{3}/);
  expect(tf.memory().numTensors).toBeLessThan(2000);
});
