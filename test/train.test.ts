// lib/core/train (trainStep, trainEpoch, evaluate, fit), lib/core/early-stopping and lib/core/data/loader (DataLoader)
// on small synthetic data, so the whole file runs in seconds: 28×28 "images" of noise with one
// bright 10×10 square in one of the four quadrants; the label is the quadrant (0-3).
import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "../lib/core/data/dataset";
import { DataLoader } from "../lib/core/data/loader";
import { ToTensor } from "../lib/core/data/transforms";
import { ConvNet, Net } from "../lib/core/models";
import { Module } from "../lib/core/nn";
import { Adam, Optimizer, SGD } from "../lib/core/optim";
import { Random, manualSeed } from "../lib/core/random";
import { EarlyStopping } from "../lib/core/early-stopping";
import { evaluate, fit, History, trainEpoch, trainStep } from "../lib/core/train";
import { nll_loss } from "../lib/core/functional";
import { KeyboardInterrupt } from "../lib/core/errors";
import { setDisplaySink } from "../lib/core/display";
import { backend } from "./helpers";

/** n images; label = quadrant of the bright square, or labelOf(quadrant) when given. */
function quadrants(n: number, seed: number, labelOf: (q: number) => number = (q) => q): ImageDataset {
  const rng = new Random(seed);
  const images = new Uint8Array(n * 28 * 28);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * 784, (i + 1) * 784);
    for (let p = 0; p < 784; p++) img[p] = rng.int(60);
    const q = rng.int(4);
    const r0 = (q >> 1) * 14 + 2 + rng.int(3);
    const c0 = (q & 1) * 14 + 2 + rng.int(3);
    for (let r = r0; r < r0 + 10; r++) for (let c = c0; c < c0 + 10; c++) img[r * 28 + c] = 200 + rng.int(56);
    labels[i] = labelOf(q);
  }
  return new ImageDataset(images, labels, [28, 28, 1], ToTensor());
}

/** n images whose label is their index and whose every pixel is index % 256: shows which examples a batch holds. */
function indexed(n: number): ImageDataset {
  if (n > 256) throw new Error("labels are bytes");
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i, i * 784, (i + 1) * 784);
  return new ImageDataset(images, Uint8Array.from({ length: n }, (_, i) => i), [28, 28, 1]);
}

const train_set = quadrants(200, 1);
const test_set = quadrants(250, 2);
const quiet = { progress: false };

function weights(m: Module): Map<string, number[]> {
  return new Map([...m.state_dict()].map(([k, v]) => [k, Array.from(v.dataSync())]));
}
function dropTimes(h: History) {
  return h.epochs.map(({ seconds: _s, ...rest }) => rest);
}

beforeAll(async () => {
  await backend();
});

describe("memory: trainEpoch and evaluate leave no tensors behind", () => {
  const cases: [string, () => Module, (m: Module) => Optimizer, number][] = [
    // [label, model, optimizer, epochs with slot creation before measuring]
    ["Net, plain SGD", () => new Net(), (m) => SGD(m.parameters(), { lr: 0.1 }), 0],
    ["Net, SGD with momentum", () => new Net(), (m) => SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), 1],
    ["Net with dropout and batch norm, Adam", () => new Net({ dropout: 0.2, batchNorm: true }), (m) => Adam(m.parameters(), { lr: 1e-3 }), 1],
    [
      "small ConvNet with dropout and batch norm, plain SGD",
      () => new ConvNet({ channels: [4, 8], hidden: 16, dropout: [0.25, 0.5], batchNorm: true }),
      (m) => SGD(m.parameters(), { lr: 0.05 }),
      0,
    ],
  ];
  test.each(cases)("%s", async (_label, makeModel, makeOpt, warmup) => {
    manualSeed(0);
    const model = makeModel();
    const opt = makeOpt(model);
    const train_loader = new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true });
    const test_loader = new DataLoader({ dataset: test_set, batch_size: 100 });
    for (let e = 0; e < warmup; e++) await trainEpoch(model, opt, train_loader, quiet);
    for (let e = 0; e < 3; e++) {
      let before = tf.memory().numTensors;
      await trainEpoch(model, opt, train_loader, { ...quiet, weight_decay: e === 2 ? 1e-4 : undefined });
      expect(tf.memory().numTensors).toBe(before);
      before = tf.memory().numTensors;
      await evaluate(model, test_loader);
      expect(tf.memory().numTensors).toBe(before);
    }
    opt.dispose();
    model.dispose();
  });
});

describe("evaluate", () => {
  test("counts the real number of examples when the last batch is short, accuracy = correct / count", async () => {
    manualSeed(0);
    const model = new Net();
    const opt = SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    await trainEpoch(model, opt, new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true }), quiet);
    const r = await evaluate(model, new DataLoader({ dataset: test_set, batch_size: 100 })); // 100 + 100 + 50
    expect(r.count).toBe(250);
    expect(r.accuracy).toBe(r.correct / 250);
    // the same numbers from one pass over all 250 examples at once
    model.eval();
    const [x, y] = test_set.batch(Array.from({ length: 250 }, (_, i) => i));
    tf.tidy(() => {
      const out = model.forward(x);
      expect(r.loss).toBeCloseTo(nll_loss(out, y).dataSync()[0], 5);
      expect(r.correct).toBe(tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), y), "int32")).dataSync()[0]);
    });
    tf.dispose([x, y]);
    // evaluate puts the model back into the mode it found
    model.train();
    await evaluate(model, new DataLoader({ dataset: test_set, batch_size: 100 }));
    expect(model.training).toBe(true);
    opt.dispose();
    model.dispose();
  });
});

describe("log_interval", () => {
  test("fit numbers the running-loss lines by mini-batches since the first epoch, across epochs, as the slide's loop does", async () => {
    manualSeed(1);
    const model = new ConvNet({ channels: [4, 8], hidden: 16 });
    const opt = SGD(model.parameters(), { lr: 0.1 });
    const loader = new DataLoader({ dataset: train_set, batch_size: 40 }); // 5 mini-batches an epoch
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
    try {
      await fit(model, opt, loader, new DataLoader({ dataset: test_set, batch_size: 250 }), { epochs: 3, log_interval: 4, ...quiet });
    } finally {
      log.mockRestore();
    }
    expect(lines.map((l) => l.replace(/loss: \d+\.\d{3}$/, "loss: x"))).toEqual(["[    4] loss: x", "[    8] loss: x", "[   12] loss: x"]);
    opt.dispose();
    model.dispose();
  });
  test("issue 20: in a notebook each epoch's summary line ends up after that epoch's mini-batch lines (as an executed notebook keeps them)", async () => {
    manualSeed(1);
    const model = new ConvNet({ channels: [4, 8], hidden: 16 });
    const opt = SGD(model.parameters(), { lr: 0.1 });
    const loader = new DataLoader({ dataset: train_set, batch_size: 40 }); // 5 mini-batches an epoch
    // the cell's outputs in order, as nbconvert keeps them: a display update replaces its output in place
    const outputs: { id?: string; text: string }[] = [];
    setDisplaySink((data, { id, update }) => {
      const text = String(data["text/plain"]);
      const at = update ? outputs.findIndex((o) => o.id === id) : -1;
      if (at >= 0) outputs[at].text = text;
      else outputs.push({ id, text });
    });
    const log = jest.spyOn(console, "log").mockImplementation((l: string) => void outputs.push({ text: l }));
    try {
      await fit(model, opt, loader, new DataLoader({ dataset: test_set, batch_size: 250 }), { epochs: 2, log_interval: 2 });
    } finally {
      log.mockRestore();
      setDisplaySink(null);
    }
    const shown = outputs.map((o) => o.text).filter((t) => t !== "").map((t) => t.replace(/loss: \d+\.\d{3}$/, "loss: x").replace(/^(エポック \d\/2):.*$/, "$1"));
    expect(shown).toEqual(["[    2] loss: x", "[    4] loss: x", "エポック 1/2", "[    6] loss: x", "[    8] loss: x", "[   10] loss: x", "エポック 2/2"]);
    opt.dispose();
    model.dispose();
  });
});

describe("reproducibility", () => {
  async function run(seed: number) {
    manualSeed(seed);
    const model = new ConvNet({ channels: [4, 8], hidden: 16, dropout: [0.25, 0.5] });
    const opt = SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const train_loader = new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true });
    const test_loader = new DataLoader({ dataset: test_set, batch_size: 100 });
    const h = await fit(model, opt, train_loader, test_loader, { epochs: 2, ...quiet });
    opt.dispose();
    model.dispose();
    return dropTimes(h);
  }
  test("same seed, same numbers (dropout and shuffling included); another seed, other numbers", async () => {
    const a = await run(1);
    const b = await run(1);
    expect(a).toHaveLength(2);
    expect(b).toEqual(a); // exact equality of every loss and accuracy
    const c = await run(2);
    expect(c[0].train_loss).not.toBe(a[0].train_loss);
    expect(c[1].test_loss).not.toBe(a[1].test_loss);
  });
});

describe("EarlyStopping", () => {
  test("fed losses by hand: stops after `patience` epochs without improvement and restores the best epoch's weights", () => {
    manualSeed(0);
    const model = new ConvNet({ channels: [4, 8], hidden: 16, batchNorm: true });
    const opt = SGD(model.parameters(), { lr: 0.1 });
    const [x, y] = train_set.batch(Array.from({ length: 50 }, (_, i) => i));
    const es = new EarlyStopping(3);
    const losses = [1.0, 0.7, 0.8, 0.75, 0.9, 0.5];
    let atBest: Map<string, number[]> | null = null;
    let stoppedAt = 0;
    for (let epoch = 1; epoch <= losses.length; epoch++) {
      trainStep(model, opt, x, y); // the weights (and batch-norm statistics) change every epoch
      if (epoch === 2) atBest = weights(model);
      if (es.step(model, losses[epoch - 1], epoch)) {
        stoppedAt = epoch;
        break;
      }
    }
    expect(stoppedAt).toBe(5); // epochs 3, 4, 5 without improvement on 0.7
    expect(es.best_epoch).toBe(2);
    expect(es.best).toBe(0.7);
    const last = weights(model);
    expect(last.get("conv1.weight")).not.toEqual(atBest!.get("conv1.weight"));
    expect(last.get("bn1.running_mean")).not.toEqual(atBest!.get("bn1.running_mean"));
    const before = tf.memory().numTensors;
    es.restore(model);
    expect(weights(model)).toEqual(atBest); // parameters and running statistics
    expect(tf.memory().numTensors).toBeLessThan(before); // the snapshot was released
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });

  test("min_delta: an improvement smaller than min_delta does not count", () => {
    const model = new ConvNet({ channels: [4, 8], hidden: 16 });
    const es = new EarlyStopping(2, 0.1);
    expect(es.step(model, 1.0, 1)).toBe(false);
    expect(es.step(model, 0.95, 2)).toBe(false);
    expect(es.step(model, 0.92, 3)).toBe(true);
    expect(es.best_epoch).toBe(1);
    es.restore(model);
    model.dispose();
  });

  test("in fit: an over-fitting run stops early and ends with the best epoch's weights", async () => {
    manualSeed(0);
    // the test labels are the training labels shifted by one quadrant: the better the model learns
    // the training rule, the worse its test loss gets
    const shifted = quadrants(100, 1, (q) => (q + 1) % 4);
    const model = new Net();
    const opt = SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const train_loader = new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true });
    const test_loader = new DataLoader({ dataset: shifted, batch_size: 50 });
    const patience = 2;
    const h = await fit(model, opt, train_loader, test_loader, { epochs: 20, early_stopping: new EarlyStopping(patience), ...quiet });
    expect(h.stopped_early).toBe(true);
    const best = h.best_epoch!;
    expect(best).toBeGreaterThanOrEqual(1);
    expect(h.epochs).toHaveLength(best + patience);
    const testLosses = h.epochs.map((e) => e.test_loss);
    expect(Math.min(...testLosses)).toBe(testLosses[best - 1]);
    // the model holds the best epoch's weights again
    const r = await evaluate(model, test_loader);
    expect(r.loss).toBeCloseTo(testLosses[best - 1], 6);
    expect(r.loss).toBeLessThan(testLosses[testLosses.length - 1]);
    opt.dispose();
    model.dispose();
  });
});

describe("EarlyStopping across fit() calls (issue 21)", () => {
  test("a second fit() with the same EarlyStopping is judged on its own losses (best, waited and best_epoch start afresh, as Keras)", async () => {
    manualSeed(0);
    const es = new EarlyStopping(2);
    // an earlier training that reached a loss of 0.001 at its epoch 7 (and left a snapshot of its model)
    const first = new Net();
    es.step(first, 0.001, 7);
    first.dispose();
    const second = new Net();
    const opt2 = SGD(second.parameters(), { lr: 0.1 });
    const train_loader = new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true });
    const shifted = new DataLoader({ dataset: quadrants(100, 3, (q) => (q + 1) % 4), batch_size: 50 });
    const h = await fit(second, opt2, train_loader, shifted, { epochs: 3, early_stopping: es, ...quiet });
    const losses = h.epochs.map((e) => e.test_loss);
    expect(es.best).toBe(Math.min(...losses));
    expect(h.best_epoch).toBe(losses.indexOf(es.best) + 1);
    // and the second model holds its own best epoch's weights
    expect((await evaluate(second, shifted)).loss).toBeCloseTo(es.best, 6);
    opt2.dispose();
    second.dispose();
  });

  test("a fit() stopped by an interrupt (or any error) frees the weights EarlyStopping saved", async () => {
    manualSeed(0);
    const model = new Net();
    const opt = SGD(model.parameters(), { lr: 0.1 });
    const train_loader = new DataLoader({ dataset: train_set, batch_size: 50 });
    const test_loader = new DataLoader({ dataset: test_set, batch_size: 50 });
    const before = tf.memory().numTensors;
    const stop = () => {
      throw new KeyboardInterrupt("interrupted");
    };
    await expect(fit(model, opt, train_loader, test_loader, { epochs: 3, early_stopping: new EarlyStopping(2), on_epoch: stop, ...quiet })).rejects.toThrow(KeyboardInterrupt);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    model.dispose();
  });
});

describe("trainStep", () => {
  test("reduces the loss on a fixed batch over 20 steps", () => {
    manualSeed(0);
    const model = new Net();
    const opt = Adam(model.parameters(), { lr: 1e-3 });
    const [x, y] = train_set.batch(Array.from({ length: 50 }, (_, i) => i));
    const losses: number[] = [];
    for (let s = 0; s < 20; s++) losses.push(trainStep(model, opt, x, y).loss);
    expect(losses[0]).toBeGreaterThan(1.5); // about ln 10 at the start
    expect(losses[10]).toBeLessThan(losses[0]);
    expect(losses[19]).toBeLessThan(losses[10]);
    expect(losses[19]).toBeLessThan(0.25 * losses[0]);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });
});

describe("DataLoader", () => {
  const data = indexed(250);

  /** The example indices of one epoch, batch by batch (and checks that images and labels travel together). */
  function epoch(loader: DataLoader): number[][] {
    const out: number[][] = [];
    for (const [input, target] of loader) {
      const t = Array.from(target.dataSync());
      const firstPixel = Array.from(tf.tidy(() => tf.reshape(input, [input.shape[0], -1]).slice([0, 0], [-1, 1]).dataSync()));
      expect(firstPixel).toEqual(t);
      out.push(t);
    }
    return out;
  }

  test("batch shapes and dtypes: [B, 28, 28, 1] float32 and [B] int32", () => {
    const loader = new DataLoader({ dataset: train_set, batch_size: 32 });
    let n = 0;
    for (const [input, target] of loader) {
      const b = n + 32 <= 200 ? 32 : 200 - n;
      expect(input.shape).toEqual([b, 28, 28, 1]);
      expect(input.dtype).toBe("float32");
      expect(target.shape).toEqual([b]);
      expect(target.dtype).toBe("int32");
      const [lo, hi] = tf.tidy(() => [tf.min(input).dataSync()[0], tf.max(input).dataSync()[0]]);
      expect(lo).toBeGreaterThanOrEqual(0); // ToTensor: pixels / 255
      expect(hi).toBeLessThanOrEqual(1);
      n += b;
    }
    expect(n).toBe(200);
    expect(loader.length).toBe(7);
  });

  test("a short last batch, or none with drop_last", () => {
    const full = new DataLoader({ dataset: data, batch_size: 100 });
    expect(full.length).toBe(3);
    expect(epoch(full).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(epoch(full).flat()).toEqual(Array.from({ length: 250 }, (_, i) => i)); // in order without shuffle
    const dropped = new DataLoader({ dataset: data, batch_size: 100, drop_last: true });
    expect(dropped.length).toBe(2);
    expect(epoch(dropped).map((b) => b.length)).toEqual([100, 100]);
    expect(() => new DataLoader({ dataset: data, batch_size: 0 })).toThrow(/positive integer/);
  });

  test("seeded shuffle: same seed same order, a new order every epoch, every index once per epoch", () => {
    const a = new DataLoader({ dataset: data, batch_size: 64, shuffle: true, seed: 7 });
    const b = new DataLoader({ dataset: data, batch_size: 64, shuffle: true, seed: 7 });
    const c = new DataLoader({ dataset: data, batch_size: 64, shuffle: true, seed: 8 });
    const a1 = epoch(a).flat();
    const a2 = epoch(a).flat();
    expect(epoch(b).flat()).toEqual(a1);
    expect(epoch(b).flat()).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(epoch(c).flat()).not.toEqual(a1);
    const all = Array.from({ length: 250 }, (_, i) => i);
    for (const order of [a1, a2]) {
      expect(order).not.toEqual(all);
      expect([...order].sort((p, q) => p - q)).toEqual(all);
    }
    // without a seed of its own the loader draws one from manualSeed's generator
    const fromGlobal = (s: number) => {
      manualSeed(s);
      return epoch(new DataLoader({ dataset: data, batch_size: 64, shuffle: true })).flat();
    };
    expect(fromGlobal(3)).toEqual(fromGlobal(3));
    expect(fromGlobal(3)).not.toEqual(fromGlobal(4));
  });

  test("leaves no tensors behind: whole epochs, a loop left early with break, a loop left by an exception", async () => {
    const loader = new DataLoader({ dataset: train_set, batch_size: 50, shuffle: true, seed: 1 });
    const before = tf.memory().numTensors;
    for (const batch of loader) void batch;
    expect(tf.memory().numTensors).toBe(before);
    for await (const batch of loader) void batch;
    expect(tf.memory().numTensors).toBe(before);
    let i = 0;
    for (const _ of loader) if (++i === 2) break;
    expect(tf.memory().numTensors).toBe(before);
    i = 0;
    for await (const _ of loader) if (++i === 2) break;
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      (async () => {
        for await (const _ of loader) throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("a diverging learning rate", () => {
  test("stops at the batch whose loss is not finite, names epoch, batch and the learning rate, and keeps the last weights", async () => {
    const { ImageDataset } = await import("../lib/core/data/dataset");
    const { DataLoader } = await import("../lib/core/data/loader");
    const { ConvNet } = await import("../lib/core/models");
    const { SGD } = await import("../lib/core/optim");
    const { fit } = await import("../lib/core/train");
    const { DivergedError } = await import("../lib/core/errors");
    const n = 200;
    const images = new Uint8Array(n * 784).map((_, i) => (i * 7919) % 256);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const loader = new DataLoader({ dataset: new ImageDataset(images, labels, [28, 28, 1]), batch_size: 20, seed: 1 });
    const model = new ConvNet();
    const opt = SGD(model.parameters(), { lr: 1e6 });
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    let err: unknown;
    try {
      await fit(model, opt, loader, loader, { epochs: 3, progress: false });
    } catch (e) {
      err = e;
    } finally {
      log.mockRestore();
    }
    expect(err).toBeInstanceOf(DivergedError);
    expect((err as Error).message).toMatch(/^学習を止めました \(epoch \d, batch \d+\/10\): 損失が (NaN|Infinity) になりました。学習率が大きすぎる可能性があります \(SGD\(lr=1000000\)\)/);
    for (const p of model.parameters()) expect(Array.from(p.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
