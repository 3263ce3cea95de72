// The training kernels lib/wasm-kernels.ts registers for the WebAssembly backend, checked against the
// pure-JavaScript cpu backend: gradients of conv2d and of depthwise conv2d (stride 1 and 2, 'valid', 'same'
// and explicit paddings, rectangular kernels, channel multipliers 1–3), of matMul with every transpose flag,
// of max-pooling, Tile, the ReLU / sigmoid / log-softmax path, and a few SGD steps of the lecture's networks. Tolerance: max |wasm − cpu| ≤ 1e-4 · max |cpu|.
// Backends are global in TensorFlow.js: each computation switches with tf.setBackend, and the backend
// this file found is restored at the end.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../lib/node/wasm-kernels";
import { registerThreadedWasm, wasmThreads } from "../lib/node/wasm-threads";
import { ConvNet, Net } from "../lib/core/models";
import { SGD } from "../lib/core/optim";
import { manualSeed } from "../lib/core/random";
import { trainStep } from "../lib/core/train";

const TOL = 1e-4;
let before = "";

beforeAll(async () => {
  before = tf.getBackend();
  registerThreadedWasm(); // the build lib/backend.ts uses: XNNPACK on every core
  expect(await tf.setBackend("wasm")).toBe(true);
  registerWasmTrainingKernels();
});
afterAll(async () => {
  if (before) await tf.setBackend(before);
});

/** Deterministic pseudo-random numbers in [-1, 1) (the same arrays go to both backends). */
function rand(shape: number[], seed: number, levels = 0): { values: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    values[i] = levels ? Math.floor(u * levels) - levels / 2 : 2 * u - 1; // levels: small integers, with ties
  }
  return { values, shape };
}
const T = (r: { values: Float32Array; shape: number[] }) => tf.tensor(r.values, r.shape);

/** Runs f on a backend and returns its results as plain arrays. */
async function on(backend: string, f: () => tf.Tensor[]): Promise<{ values: Float32Array; shape: number[] }[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const res = out.map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape }));
  tf.dispose(out);
  return res;
}

function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/** f on wasm and on cpu: same shapes, values within TOL. */
async function sameOnBoth(f: () => tf.Tensor[]): Promise<void> {
  const w = await on("wasm", f);
  const c = await on("cpu", f);
  expect(w.length).toBe(c.length);
  w.forEach((wi, i) => {
    expect(wi.shape).toEqual(c[i].shape);
    expect(relError(wi.values, c[i].values)).toBeLessThanOrEqual(TOL);
  });
}

test("the kernels are registered for wasm", () => {
  for (const k of ["Conv2DBackpropFilter", "Conv2DBackpropInput", "DepthwiseConv2dNativeBackpropFilter", "DepthwiseConv2dNativeBackpropInput", "BatchMatMul", "MaxPoolGrad", "Tile", "Sum", "Identity"]) {
    expect(tf.getKernel(k, "wasm")).toBeDefined();
  }
});

test("the threaded build runs on every core (at most 8), and its glue leaves no process listeners behind", () => {
  expect(getThreadsCount()).toBe(wasmThreads());
  expect(wasmThreads()).toBe(Math.min(8, require("os").availableParallelism()));
  expect(process.listeners("unhandledRejection").some((l) => String(l).includes("throw reason"))).toBe(false);
});

describe("conv2d gradients (Conv2DBackpropFilter, Conv2DBackpropInput)", () => {
  const cases: { x: number[]; f: number[]; s: number | [number, number]; p: "valid" | "same" }[] = [
    { x: [4, 28, 28, 1], f: [3, 3, 1, 8], s: 1, p: "valid" }, // conv1 of the lecture, fewer channels
    { x: [3, 12, 12, 6], f: [3, 3, 6, 10], s: 1, p: "valid" }, // conv2 of the lecture, smaller
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, p: "same" },
    { x: [2, 9, 10, 3], f: [3, 3, 3, 5], s: 2, p: "valid" },
    { x: [2, 10, 9, 3], f: [3, 3, 3, 5], s: 2, p: "same" },
    { x: [3, 11, 8, 2], f: [2, 3, 2, 4], s: [2, 1], p: "same" }, // rectangular kernel, unequal strides
    { x: [2, 8, 8, 2], f: [4, 4, 2, 3], s: 2, p: "same" }, // even kernel: asymmetric 'same' padding
    { x: [1, 7, 7, 2], f: [1, 1, 2, 3], s: 3, p: "valid" }, // stride larger than the kernel
    { x: [3, 9, 8, 6], f: [1, 1, 6, 5], s: 1, p: "same" }, // pointwise (MobileNet's): the filter gradient is one matMul
    { x: [4, 10, 10, 4], f: [3, 3, 4, 8], s: 1, p: "valid" }, // OH·OW·N = 256: the filter gradient pads N (cache sets)
    { x: [2, 7, 7, 1], f: [3, 3, 1, 6], s: 1, p: "same" }, // im2col filter gradient with zero padding around
  ];
  test.each(cases)("x $x, filter $f, stride $s, $p", async (c) => {
    const x = rand(c.x, 1), w = rand(c.f, 2);
    const yShape = (await on("cpu", () => [tf.conv2d(T(x) as tf.Tensor4D, T(w) as tf.Tensor4D, c.s, c.p)]))[0].shape;
    const dy = rand(yShape, 3);
    await sameOnBoth(() => {
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p), T(dy)));
      return tf.grads(loss)([T(x), T(w)]); // [dx, dW]
    });
  });
});

describe("depthwise conv2d gradients (DepthwiseConv2dNativeBackpropFilter, …BackpropInput)", () => {
  type Pad = "valid" | "same" | [[number, number], [number, number], [number, number], [number, number]];
  const cases: { x: number[]; f: number[]; s: number | [number, number]; p: Pad }[] = [
    { x: [2, 14, 14, 8], f: [3, 3, 8, 1], s: 1, p: "same" }, // MobileNet's conv_dw_k, smaller
    { x: [2, 15, 14, 8], f: [3, 3, 8, 1], s: 2, p: "same" }, // MobileNet's stride-2 blocks (odd height)
    { x: [3, 9, 9, 4], f: [3, 3, 4, 1], s: 1, p: "valid" },
    { x: [2, 10, 11, 3], f: [3, 3, 3, 1], s: 2, p: "valid" }, // last row/column unused
    { x: [2, 8, 8, 2], f: [4, 4, 2, 1], s: 2, p: "same" }, // even kernel: asymmetric 'same' padding
    { x: [2, 9, 8, 3], f: [2, 3, 3, 1], s: [2, 1], p: "same" }, // rectangular kernel, unequal strides
    { x: [2, 8, 9, 3], f: [3, 3, 3, 1], s: 2, p: [[0, 0], [1, 0], [2, 1], [0, 0]] }, // explicit paddings
    { x: [2, 9, 9, 3], f: [3, 3, 3, 2], s: 1, p: "same" }, // channel multiplier 2
    { x: [1, 10, 10, 2], f: [3, 3, 2, 3], s: 2, p: "valid" }, // channel multiplier 3, stride 2
  ];
  test.each(cases)("x $x, filter $f, stride $s, $p", async (c) => {
    const x = rand(c.x, 14), w = rand(c.f, 15);
    const dw = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p);
    const yShape = (await on("cpu", () => [dw(T(x), T(w))]))[0].shape;
    const dy = rand(yShape, 16);
    await sameOnBoth(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(dw(a, b), T(dy))))([T(x), T(w)])); // [dx, dW]
  });
  test("attributes they do not support are refused, not computed wrongly", async () => {
    await tf.setBackend("wasm");
    const x = tf.zeros([1, 8, 8, 2]), dy = tf.zeros([1, 4, 4, 2]), filter = tf.zeros([3, 3, 2, 1]);
    const attrs = { strides: 1, pad: "valid", dilations: 2 };
    expect(() => tf.engine().runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, { ...attrs, filterShape: [3, 3, 2, 1] })).toThrow(/dilations 1 only/);
    expect(() => tf.engine().runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter }, { ...attrs, inputShape: [1, 8, 8, 2] })).toThrow(/dilations 1 only/);
    tf.dispose([x, dy, filter]);
  });
});

describe("matMul with transposed operands (BatchMatMul)", () => {
  const flags = [[false, false], [true, false], [false, true], [true, true]];
  test.each(flags)("transposeA %s, transposeB %s", async (tA, tB) => {
    for (const [m, k, n, batch] of [[5, 7, 3, 0], [100, 96, 12, 0], [12, 96, 100, 0], [6, 5, 4, 2]]) {
      const shapeA = tA ? [k, m] : [m, k], shapeB = tB ? [n, k] : [k, n];
      const a = rand(batch ? [batch, ...shapeA] : shapeA, 4), b = rand(batch ? [batch, ...shapeB] : shapeB, 5);
      await sameOnBoth(() => [tf.matMul(T(a), T(b), tA, tB)]);
    }
  });
  test("gradients of a Linear layer: dx = dy·Wᵀ, dW = xᵀ·dy", async () => {
    const x = rand([16, 50], 6), w = rand([50, 20], 7), dy = rand([16, 20], 8);
    await sameOnBoth(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), T(dy))))([T(x), T(w)]));
  });
});

describe("max-pooling gradient (MaxPoolGrad)", () => {
  const cases: { x: number[]; k: number; s: number; p: "valid" | "same"; levels: number }[] = [
    { x: [2, 24, 24, 5], k: 2, s: 2, p: "valid", levels: 0 }, // the lecture's pool, values of both signs
    { x: [2, 7, 9, 3], k: 2, s: 2, p: "valid", levels: 0 }, // odd sizes: last row/column unused
    { x: [2, 7, 9, 3], k: 3, s: 2, p: "same", levels: 0 }, // overlapping windows, padding
    { x: [2, 8, 8, 4], k: 2, s: 2, p: "valid", levels: 3 }, // many ties: the first maximum gets the gradient
    { x: [1, 6, 6, 2], k: 3, s: 1, p: "same", levels: 2 },
    { x: [2, 4, 4, 3], k: 2, s: 2, p: "valid", levels: -1 }, // -Infinity in windows, and the first window all -Infinity
    { x: [2, 4, 4, 3], k: 2, s: 2, p: "valid", levels: -2 }, // NaN first in a window, and later in one
    { x: [2, 6, 6, 3], k: 2, s: 3, p: "valid", levels: 0 }, // windows apart: rows/columns 2 and 5 in none (their gradient 0)
    { x: [2, 6, 6, 3], k: 2, s: 3, p: "same", levels: 0 },
  ];
  test.each(cases)("x $x, pool $k stride $s, $p, levels $levels", async (c) => {
    const x = rand(c.x, 9, Math.max(0, c.levels));
    // [2, 4, 4, 3]: pixel (h, w) of image 0 starts at (4h + w)·3; the first window is pixels (0,0) (0,1) (1,0) (1,1)
    const firstWindow = [0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17];
    if (c.levels === -1) x.values.forEach((v, i) => { if (v < -0.3 || firstWindow.includes(i)) x.values[i] = -Infinity; });
    if (c.levels === -2) [0, 1, 2, 30, 31, 32, 60].forEach((i) => (x.values[i] = NaN)); // first pixels of windows, and inside one
    const yShape = (await on("cpu", () => [tf.maxPool(T(x) as tf.Tensor4D, c.k, c.s, c.p)]))[0].shape;
    const dy = rand(yShape, 10);
    await sameOnBoth(() => [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.p), T(dy))))(T(x))]);
  });
});

describe("Tile (the broadcasts of the batch-norm gradient)", () => {
  const cases: { x: number[]; reps: number[] }[] = [
    { x: [1, 1, 1, 8], reps: [4, 6, 5, 1] }, // a channel vector over a batch, as tfjs-core's batch-norm gradient does
    { x: [2, 3, 4], reps: [3, 1, 2] },
    { x: [3, 1, 2, 1], reps: [1, 5, 3, 7] },
    { x: [5], reps: [4] },
    { x: [2, 3], reps: [1, 1] },
  ];
  test.each(cases)("x $x, reps $reps (float32, int32 and bool)", async (c) => {
    const x = rand(c.x, 17, 6);
    await sameOnBoth(() => [tf.tile(T(x), c.reps), tf.tile(T(x).toInt(), c.reps), tf.tile(tf.greater(T(x), 0), c.reps)].map((t) => t.toFloat()));
  });
});

describe("Sum over leading axes (the bias gradients) and Identity", () => {
  const cases: { x: number[]; axis: number[]; keepDims: boolean }[] = [
    { x: [6, 5, 4, 7], axis: [0, 1, 2], keepDims: false }, // a conv bias gradient
    { x: [9, 11], axis: [0], keepDims: true }, // a Linear bias gradient
    { x: [3, 4, 5], axis: [1, 0], keepDims: false }, // axes in any order
    { x: [3, 4, 5], axis: [2], keepDims: false }, // not leading: the stock kernel
    { x: [3, 4, 5], axis: [0, 1, 2], keepDims: true }, // everything: the stock kernel
  ];
  test.each(cases)("x $x, axis $axis, keepDims $keepDims (float32 and int32)", async (c) => {
    const x = rand(c.x, 21, 8);
    await sameOnBoth(() => [tf.sum(T(x), c.axis, c.keepDims), tf.sum(T(x).toInt(), c.axis, c.keepDims).toFloat()]);
  });
  test("the leading-axes Sum is the replacement (float64 accumulators, as the cpu backend), not stock's float32 sum", async () => {
    await tf.setBackend("wasm");
    const s = tf.sum(tf.tensor2d([[16777216], [1], [1]]), 0); // 2²⁴ + 1 + 1: float32 steps would lose both ones
    expect(Array.from(s.dataSync())).toEqual([16777218]);
    s.dispose();
  });
  test("Identity shares the data and each tensor can be disposed on its own", async () => {
    await tf.setBackend("wasm");
    const a = tf.tensor([1, 2, 3]);
    const ids = () => tf.engine().backend.numDataIds();
    const before = ids();
    const b = tf.clone(a); // the Identity kernel
    expect(ids()).toBe(before); // no copy
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(ids()).toBe(before - 1);
  });
});

test("ReLU, sigmoid and log-softmax gradients (composed by tfjs-core from stock wasm kernels)", async () => {
  const x = rand([20, 30], 11), dy = rand([20, 30], 12);
  await sameOnBoth(() => {
    const f = (a: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.add(tf.relu(a), tf.sigmoid(a)), tf.logSoftmax(a, 1)), T(dy)));
    return [tf.grad(f)(T(x))];
  });
});

describe("a few SGD steps match the cpu backend", () => {
  // (the cpu backend needs minutes for one step of the slide's CNN, so the CNNs here are narrower)
  const images = rand([8, 28, 28, 1], 13);
  const labels = Int32Array.from({ length: 8 }, (_, i) => (i * 7) % 10);
  const models: [string, () => ConvNet | Net][] = [
    ["ConvNet (the slide's layers, 4 and 8 channels)", () => new ConvNet({ channels: [4, 8], hidden: 32 })],
    ["ConvNet with batch norm and dropout", () => new ConvNet({ channels: [4, 8], hidden: 32, batchNorm: true, dropout: [0.25, 0.5] })],
    ["Net (the MLP)", () => new Net()],
  ];
  test.each(models)("%s", async (_, make) => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      manualSeed(1);
      const model = make();
      const opt = SGD(model.parameters(), { lr: 0.05 });
      const x = T(images), y = tf.tensor1d(labels, "int32");
      const losses = [0, 1, 2].map(() => trainStep(model, opt, x, y).loss);
      const params = model.parameters().map((p) => p.dataSync().slice() as Float32Array);
      tf.dispose([x, y]);
      model.dispose();
      opt.dispose();
      return { losses, params };
    };
    const w = await run("wasm");
    const c = await run("cpu");
    expect(w.losses.every(Number.isFinite)).toBe(true);
    expect(relError(Float32Array.from(w.losses), Float32Array.from(c.losses))).toBeLessThanOrEqual(TOL);
    w.params.forEach((p, i) => expect(relError(p, c.params[i])).toBeLessThanOrEqual(TOL));
  }, 60000);
});
