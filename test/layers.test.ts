// lib/layers.ts (Tanh, Sigmoid, AvgPool2d, AdaptiveAvgPool2d, Residual, gradNorms) and lib/nn.ts's
// Conv2d with stride and padding, Sequential and ReLU, against PyTorch: the numbers in
// test/reference/layers_reference.json were computed by test/reference/make_layers_reference.py
// (torch 2.13.0, float64 arithmetic on float32 inputs), plus a few checks by hand.
// Layout conversions as in nn.test.ts: Linear [out,in] → [in,out], Conv2d [out,in,kh,kw] → [kh,kw,in,out], NCHW → NHWC.
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { AdaptiveAvgPool2d, AvgPool2d, gradNorms, kaimingUniform_, LogSoftmax, Residual, Sigmoid, Tanh } from "../lib/core/layers";
import { BatchNorm, Conv2d, Linear, Module, ReLU, Sequential } from "../lib/core/nn";
import { manualSeed } from "../lib/core/random";
import { backend } from "./helpers";

type Nested = number | Nested[];
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, "reference", "layers_reference.json"), "utf8"));
const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

function expectClose(actual: tf.Tensor | number[], expected: Nested, tol = 1e-5): void {
  const a = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : actual;
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  const d = a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i])), 0);
  expect(d).toBeLessThan(tol);
}
const nchwToNhwc = (x: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(x as number[][][][]), [0, 2, 3, 1]));
const nhwcToNchw = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 3, 1, 2]);
const torchConvToLib = (w: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(w as number[][][][]), [2, 3, 1, 0]));
const torchLinearToLib = (w: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(w as number[][])));

/** Loads torch's Linear weights into lib Linears, in the order given. */
function loadLinears(layers: Linear[], torchNames: string[], state: Record<string, Nested>): void {
  layers.forEach((l, i) => {
    l.weight.assign(torchLinearToLib(state[`${torchNames[i]}.weight`]));
    l.bias.assign(tf.tensor(state[`${torchNames[i]}.bias`] as number[]));
  });
}

beforeAll(backend);

describe("Conv2d with stride and padding", () => {
  test("Conv2d(2, 3, 3, stride 2, padding 1) equals PyTorch's on a 7×7 map (→ 4×4)", () => {
    const r = ref.conv_stride2_pad1;
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    conv.weight.assign(torchConvToLib(r.weight));
    conv.bias.assign(tf.tensor(r.bias));
    const y = conv.forward(nchwToNhwc(r.input));
    expect(y.shape).toEqual([2, 4, 4, 3]);
    expectClose(nhwcToNchw(y), r.output);
  });
});

describe("activation modules", () => {
  test("Tanh and Sigmoid equal torch.tanh / torch.sigmoid; Sequential applies modules in order", () => {
    const r = ref.activations;
    const x = tf.tensor(r.input);
    expectClose(new Tanh().forward(x), r.tanh);
    expectClose(new Sigmoid().forward(x), r.sigmoid);
    // by hand: log_softmax([0, 0]) = [−log 2, −log 2]
    expectClose(new LogSoftmax().forward(tf.tensor([[0, 0]])), [-Math.LN2, -Math.LN2]);
    // by hand: σ(0) = 1/2, tanh(0) = 0, relu(-1) = 0; Sequential(Tanh, Sigmoid) = σ(tanh(x))
    expect(Array.from(new Sequential(new Tanh(), new Sigmoid(), new ReLU()).forward(tf.tensor([0, -100])).dataSync())).toEqual([0.5, expect.any(Number)]);
    expectClose(new Sequential(new Tanh(), new Sigmoid()).forward(x), flat(r.tanh).map((t) => 1 / (1 + Math.exp(-t))));
  });
});

describe("average pooling", () => {
  const r = ref.pooling;
  test("AvgPool2d(2) and AvgPool2d(3, 2, padding 1) equal F.avg_pool2d (padding counted, as PyTorch's default)", () => {
    const x = nchwToNhwc(r.input); // [2, 7, 5, 3]
    const a = new AvgPool2d(2).forward(x);
    expect(a.shape).toEqual([2, 3, 2, 3]);
    expectClose(nhwcToNchw(a), r.avg_k2);
    const b = new AvgPool2d(3, 2, 1).forward(x);
    expect(b.shape).toEqual([2, 4, 3, 3]);
    expectClose(nhwcToNchw(b), r.avg_k3_s2_p1);
  });
  test("AdaptiveAvgPool2d(1) (global average pooling) and AdaptiveAvgPool2d([3, 2]) equal F.adaptive_avg_pool2d", () => {
    const x = nchwToNhwc(r.input);
    const g = new AdaptiveAvgPool2d(1).forward(x);
    expect(g.shape).toEqual([2, 1, 1, 3]);
    expectClose(nhwcToNchw(g), r.adaptive_1);
    const h = new AdaptiveAvgPool2d([3, 2]).forward(x);
    expect(h.shape).toEqual([2, 3, 2, 3]);
    expectClose(nhwcToNchw(h), r.adaptive_3x2);
    // by hand: the mean of 1..4 on a 2×2 map is 2.5
    expect(new AdaptiveAvgPool2d().forward(tf.tensor([1, 2, 3, 4], [1, 2, 2, 1])).dataSync()[0]).toBeCloseTo(2.5, 6);
  });
});

/** The reference ResMLP built from lib modules. */
class ResMLP extends Module {
  inp = new Linear(5, 6);
  block = new Residual(new Sequential(new Linear(6, 6), new Tanh(), new Linear(6, 6)), null, new ReLU());
  out = new Linear(6, 3);
  linears(): Linear[] {
    const body = this.block.body as Sequential;
    return [this.inp, body.layers[0] as Linear, body.layers[2] as Linear, this.out];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.logSoftmax(this.out.forward(this.block.forward(tf.relu(this.inp.forward(x)))), 1);
  }
}

describe("Residual and gradNorms", () => {
  test("Residual: y = x + F(x) (by hand), the shortcut module when given, a clear error when shapes differ", () => {
    const double = new Residual(new Sequential()); // F = identity → y = 2x
    expect(Array.from(double.forward(tf.tensor([[1, -2]])).dataSync())).toEqual([2, -4]);
    const withRelu = new Residual(new Sequential(), null, new ReLU());
    expect(Array.from(withRelu.forward(tf.tensor([[1, -2]])).dataSync())).toEqual([2, 0]);
    manualSeed(0);
    const wrong = new Residual(new Linear(2, 3));
    expect(() => wrong.forward(tf.ones([1, 2]))).toThrow(/shortcut/);
    const proj = new Residual(new Linear(2, 3), new Linear(2, 3));
    expect(proj.forward(tf.ones([1, 2])).shape).toEqual([1, 3]);
    expect(proj.numParameters()).toBe(18);
    expect(proj.named_parameters().map(([n]) => n)).toEqual(["body.weight", "body.bias", "shortcut.weight", "shortcut.bias"]);
  });

  test("residual MLP: output, loss and every parameter's gradient norm equal PyTorch's; the weights do not change", () => {
    const r = ref.residual_mlp;
    manualSeed(0);
    const m = new ResMLP();
    loadLinears(m.linears(), ["inp", "f1", "f2", "out"], r.state);
    const x = tf.tensor(r.input), t = tf.tensor(r.target, undefined, "int32");
    expectClose(m.forward(x), r.output);
    const before = m.snapshot();
    const norms = gradNorms(m, x, t);
    const libName: Record<string, string> = { inp: "inp", f1: "block.body.layers.0", f2: "block.body.layers.2", out: "out" };
    expect(norms.map((g) => g.name)).toEqual(["inp", "f1", "f2", "out"].flatMap((k) => [`${libName[k]}.weight`, `${libName[k]}.bias`]));
    const byName = new Map(norms.map((g) => [g.name, g.norm]));
    for (const k of ["inp", "f1", "f2", "out"]) {
      for (const p of ["weight", "bias"]) {
        const want = r.grad_norms[`${k}.${p}`];
        expect(Math.abs(byName.get(`${libName[k]}.${p}`)! - want)).toBeLessThan(1e-6 + 1e-4 * want);
      }
    }
    for (const [k, v] of m.state_dict()) expect(tf.max(tf.abs(tf.sub(v, before.get(k)!))).dataSync()[0]).toBe(0);
    expect(norms.find((g) => g.name === "inp.weight")!.shape).toEqual([5, 6]);
  });

  test("deep sigmoid MLP: gradient norms equal PyTorch's and shrink toward the input (vanishing gradients)", () => {
    const r = ref.deep_sigmoid;
    manualSeed(0);
    const layers = [0, 1, 2, 3].map(() => new Linear(5, 5));
    const out = new Linear(5, 3);
    const m = new Sequential(...layers.flatMap((l) => [l, new Sigmoid()]), out);
    loadLinears([...layers, out], ["layers.0", "layers.1", "layers.2", "layers.3", "out"], r.state);
    const x = tf.tensor(r.input), t = tf.tensor(r.target, undefined, "int32");
    const norms = gradNorms(new Sequential(m, new LogSoftmax()), x, t);
    const weights = norms.filter((g) => g.name.endsWith("weight"));
    expect(weights.map((g) => g.name)).toEqual(["layers.0.layers.0.weight", "layers.0.layers.2.weight", "layers.0.layers.4.weight", "layers.0.layers.6.weight", "layers.0.layers.8.weight"]);
    const want = ["layers.0", "layers.1", "layers.2", "layers.3", "out"].map((k) => r.grad_norms[`${k}.weight`]);
    weights.forEach((g, i) => expect(Math.abs(g.norm - want[i])).toBeLessThan(1e-8 + 1e-4 * want[i]));
    // the first layer's gradient is over 100× smaller than the output layer's
    expect(weights[0].norm * 100).toBeLessThan(weights[4].norm);
  });
});

describe("kaimingUniform_ (He initialization)", () => {
  test("weights U(±√(6/fan_in)) with variance 2/fan_in, layer biases 0, batch norm untouched, seeded", () => {
    manualSeed(3);
    const m = new Sequential(new Linear(400, 300), new BatchNorm(300), new Conv2d(8, 16, 5));
    kaimingUniform_(m);
    const [lin, bn, conv] = m.layers as [Linear, BatchNorm, Conv2d];
    const stats = (v: tf.Tensor) => ({ max: tf.max(tf.abs(v)).dataSync()[0], var: tf.moments(v).variance.dataSync()[0] });
    const l = stats(lin.weight), c = stats(conv.weight);
    expect(l.max).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect(l.max).toBeGreaterThan(0.99 * Math.sqrt(6 / 400));
    expect(Math.abs(l.var / (2 / 400) - 1)).toBeLessThan(0.02); // 120,000 draws
    expect(c.max).toBeLessThanOrEqual(Math.sqrt(6 / 200)); // fan_in = 5·5·8
    expect(Math.abs(c.var / (2 / 200) - 1)).toBeLessThan(0.05); // 3,200 draws
    expect(tf.max(tf.abs(lin.bias)).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(conv.bias)).dataSync()[0]).toBe(0);
    expect(Array.from(bn.weight.dataSync()).every((v) => v === 1)).toBe(true);
    manualSeed(3);
    const again = kaimingUniform_(new Sequential(new Linear(400, 300), new BatchNorm(300), new Conv2d(8, 16, 5))) as Sequential;
    expect(Array.from((again.layers[0] as Linear).weight.dataSync())).toEqual(Array.from(lin.weight.dataSync()));
  });
});
