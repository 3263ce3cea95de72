// lib/architectures.ts: VGG16 and ResNet-34 built from the library's modules, their parameter totals against the
// published counts (torchvision.models.vgg16: 138,357,544; torchvision.models.resnet34: 21,797,672;
// torchvision.models.googlenet without auxiliary heads: 6,624,904, also worked out by hand below), output shapes
// for a 224×224×3 image, the two helper layers checked by hand, and every layer against torchvision 0.28.0 (reference JSON).
import * as tf from "@tensorflow/tfjs";
import { basicBlock, Conv2dNoBias, googlenet, Inception, MaxPool2dPadded, resnet34, vgg16 } from "../lib/core/architectures";
import { Conv2d, Sequential } from "../lib/core/nn";
import { manualSeed, Random } from "../lib/core/random";
import { backend } from "./helpers";

beforeAll(backend);

test("Conv2dNoBias equals Conv2d with a zero bias (stride 2, padding 1); MaxPool2dPadded pads with −∞", () => {
  manualSeed(0);
  const a = new Conv2dNoBias(2, 3, 3, 2, 1);
  const b = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
  b.weight.assign(a.weight);
  b.bias.assign(tf.zeros([3]));
  const x = tf.randomNormal([1, 7, 7, 2], 0, 1, "float32", 1);
  expect(tf.max(tf.abs(tf.sub(a.forward(x), b.forward(x)))).dataSync()[0]).toBeLessThan(1e-6);
  expect(a.numParameters()).toBe(54);
  // by hand: all −1 on a 2×2 map, k 3, stride 2, padding 1 → one output per 2×2 window, −1 (not the padding)
  const p = new MaxPool2dPadded(3, 2, 1).forward(tf.fill([1, 2, 2, 1], -1));
  expect(p.shape).toEqual([1, 1, 1, 1]);
  expect(p.dataSync()[0]).toBe(-1);
});

test("ResNet's BasicBlock 64 → 128, stride 2: 230,144 parameters (by hand), output [1, 28, 28, 128] from [1, 56, 56, 64]", () => {
  manualSeed(0);
  const blk = basicBlock(64, 128, 2);
  // 3·3·64·128 + 3·3·128·128 + 1·1·64·128 (shortcut) convolutions, 3 batch norms of 2·128
  expect(blk.numParameters()).toBe(73728 + 147456 + 8192 + 3 * 256);
  expect(blk.numParameters()).toBe(230144);
  expect(blk.forward(tf.zeros([1, 56, 56, 64])).shape).toEqual([1, 28, 28, 128]);
});

test("ResNet-34: 21,797,672 parameters as torchvision counts them; stage outputs 56, 28, 14, 7 for a 224×224×3 image; 1,000 log-probabilities", () => {
  manualSeed(0);
  const m = resnet34().eval();
  expect(m.numParameters()).toBe(21797672);
  const shapes: number[][] = [];
  tf.tidy(() => {
    let h: tf.Tensor = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 2);
    for (const layer of m.layers) {
      h = layer.forward(h);
      shapes.push(h.shape);
    }
    expect(Math.abs(tf.sum(tf.exp(h)).dataSync()[0] - 1)).toBeLessThan(1e-4);
  });
  expect(shapes.slice(3, 8)).toEqual([[1, 56, 56, 64], [1, 56, 56, 64], [1, 28, 28, 128], [1, 14, 14, 256], [1, 7, 7, 512]]);
  expect(shapes[shapes.length - 1]).toEqual([1, 1000]);
  m.dispose();
});

test("VGG16: 138,357,544 parameters as torchvision counts them; 7×7×512 features for a 224×224×3 image", () => {
  // drawing 138 million initial values takes half a minute inside jest (1 s in plain node); counting and shapes
  // do not need them, so this test's initial values are zeros
  const spy = jest.spyOn(Random.prototype, "uniform").mockImplementation((n: number) => new Float32Array(n));
  let m: Sequential;
  try {
    m = vgg16().eval();
  } finally {
    spy.mockRestore();
  }
  expect(m.numParameters()).toBe(138357544);
  const features = m.layers[0] as Sequential;
  expect(features.layers.filter((l) => l instanceof Conv2d).length).toBe(13);
  const y = tf.tidy(() => features.forward(tf.zeros([1, 224, 224, 3])));
  expect(y.shape).toEqual([1, 7, 7, 512]);
  m.dispose();
});

test("MaxPool2dPadded with ceil_mode: output sizes as PyTorch (112 → 56, 56 → 28, 28 → 14 with k 3 s 2; 14 → 7 with k 2; k 3 s 1 p 1 keeps the size)", () => {
  const size = (n: number, k: number, s: number, p: number) => new MaxPool2dPadded(k, s, p, true).forward(tf.zeros([1, n, n, 1])).shape[1];
  expect([size(112, 3, 2, 0), size(56, 3, 2, 0), size(28, 3, 2, 0), size(14, 2, 2, 0), size(14, 3, 1, 1), size(7, 3, 2, 0)]).toEqual([56, 28, 14, 7, 14, 3]);
  // by hand: [1, 2, 3] with k 2, s 2, ceil → [max(1, 2), max(3)] = [2, 3]
  expect(Array.from(new MaxPool2dPadded(2, 2, 0, true).forward(tf.tensor([1, 2, 3], [1, 1, 3, 1])).dataSync())).toEqual([2, 3]);
});

test("GoogLeNet: 6,624,904 parameters (torchvision without auxiliary heads; by hand below); Inception 3a: 28×28×192 → 28×28×256", () => {
  // by hand: each convolution has k·k·in·out weights and batch norm 2·out
  const conv = (i: number, o: number, k: number) => i * o * k * k + 2 * o;
  const inc = (i: number, c1: number, c3r: number, c3: number, c5r: number, c5: number, pp: number) => conv(i, c1, 1) + conv(i, c3r, 1) + conv(c3r, c3, 3) + conv(i, c5r, 1) + conv(c5r, c5, 3) + conv(i, pp, 1);
  manualSeed(0);
  const a3 = new Inception(192, 64, 96, 128, 16, 32, 32);
  expect(a3.numParameters()).toBe(inc(192, 64, 96, 128, 16, 32, 32));
  expect(a3.forward(tf.zeros([1, 28, 28, 192])).shape).toEqual([1, 28, 28, 256]);
  const m = googlenet().eval();
  expect(m.numParameters()).toBe(6624904);
  const y = tf.tidy(() => m.forward(tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 3)));
  expect(y.shape).toEqual([1, 1000]);
  expect(Math.abs(tf.sum(tf.exp(y)).dataSync()[0] - 1)).toBeLessThan(1e-4);
  m.dispose();
});

// torchvision 0.28.0 on torch 2.13.0, counted by test/reference/make_architectures_reference.py: every module that
// holds parameters itself, in module order, against the library's modules in the same (pre-)order.
describe("against torchvision (test/reference/architectures_reference.json)", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ref = require("./reference/architectures_reference.json");
  /** parameters held by each module itself (not by its children), in pre-order, zeros left out */
  const leaves = (m: import("../lib/core/nn").Module): number[] => {
    const own = m.numParameters() - m.named_children().reduce((s, [, k]) => s + k.numParameters(), 0);
    return [...(own ? [own] : []), ...m.named_children().flatMap(([, k]) => leaves(k))];
  };
  const build = (make: () => import("../lib/core/nn").Module) => {
    const spy = jest.spyOn(Random.prototype, "uniform").mockImplementation((n: number) => new Float32Array(n)); // counting only
    try {
      return make();
    } finally {
      spy.mockRestore();
    }
  };
  test.each([
    ["vgg16", vgg16],
    ["googlenet", googlenet],
    ["resnet34", resnet34],
  ] as const)("%s: the same total and the same layers, layer by layer", (name, make) => {
    expect(ref.torch).toBe("2.13.0+cpu");
    expect(ref.torchvision).toMatch(/^0\.28\.0/);
    const m = build(make);
    expect(m.numParameters()).toBe(ref[name].total);
    expect(leaves(m)).toEqual(ref[name].leaves.map((l: [string, number]) => l[1]));
    m.dispose();
  });
});
