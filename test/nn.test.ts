// lib/nn, lib/functional, lib/optim and lib/train against PyTorch: the numbers in
// test/reference/pytorch_reference.json were computed by test/reference/make_reference.py
// (torch 2.13.0, float64 arithmetic on float32 inputs). The file keeps PyTorch's layouts; the
// conversions to lib's layouts are written out here:
//   Linear.weight   torch [out, in]          → lib [in, out]           (transpose)
//   Conv2d.weight   torch [out, in, kh, kw]  → lib [kh, kw, in, out]   (transpose [2, 3, 1, 0])
//   images          torch NCHW               → lib NHWC                (transpose [0, 2, 3, 1])
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { nll_loss } from "../lib/core/functional";
import { ConvNet, Net } from "../lib/core/models";
import { BatchNorm, Conv2d, Dropout, inEvalMode, Linear, MaxPool2d, Module, traceForward } from "../lib/core/nn";
import { Adam, Optimizer, SGD } from "../lib/core/optim";
import { manualSeed } from "../lib/core/random";
import { l2Penalty, trainStep } from "../lib/core/train";
import { backend } from "./helpers";

type Nested = number | Nested[];
type TorchState = Record<string, Nested>;
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, "reference", "pytorch_reference.json"), "utf8"));

const TOL = 1e-5;

const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

/** max |a - b| over all elements; the shapes (element counts) must agree. */
function maxAbsDiff(actual: tf.Tensor | number[], expected: Nested): number {
  const a = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : actual;
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i])), 0);
}
function expectClose(actual: tf.Tensor | number[] | number, expected: Nested, tol = TOL): void {
  const d = maxAbsDiff(typeof actual === "number" ? [actual] : actual, expected);
  expect(d).toBeLessThan(tol);
}

// ---- layout conversions, torch → lib and back
const torchLinearToLib = (w: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(w as number[][]))); // [out,in] → [in,out]
const libLinearToTorch = (w: tf.Tensor): tf.Tensor => tf.transpose(w); // [in,out] → [out,in]
const torchConvToLib = (w: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(w as number[][][][]), [2, 3, 1, 0])); // [out,in,kh,kw] → [kh,kw,in,out]
const nchwToNhwc = (x: Nested): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(x as number[][][][]), [0, 2, 3, 1]));
const nhwcToNchw = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, 3, 1, 2]);

/** torch's state_dict of a model built from Linear layers → lib tensors by the same names. */
function fromTorchLinearState(s: TorchState): Map<string, tf.Tensor> {
  return new Map(Object.entries(s).map(([k, v]) => [k, k.endsWith("weight") ? torchLinearToLib(v) : tf.tensor(v as number[])]));
}

/** The reference MLP: Linear(6,4) → sigmoid → Linear(4,3) → log_softmax. */
class TinyNet extends Module {
  l1 = new Linear(6, 4);
  l2 = new Linear(4, 3);
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.logSoftmax(this.l2.forward(tf.sigmoid(this.l1.forward(x))), 1);
  }
}

function tinyNetFromReference(): TinyNet {
  const model = new TinyNet();
  const state = fromTorchLinearState(ref.mlp.init);
  model.load_state_dict(state);
  tf.dispose([...state.values()]);
  return model;
}

/** Every parameter of `model` equals PyTorch's state (weights transposed back to [out, in]). */
function expectStateClose(model: Module, torchState: TorchState, tol = TOL): void {
  const own = model.state_dict();
  expect([...own.keys()].sort()).toEqual(Object.keys(torchState).sort());
  for (const [k, v] of own) {
    const d = tf.tidy(() => maxAbsDiff(v.rank === 2 ? libLinearToTorch(v) : v, torchState[k]));
    if (d >= tol) throw new Error(`${k}: max |lib - torch| = ${d}`);
  }
}

const mlpBatch = (): [tf.Tensor, tf.Tensor1D] => [tf.tensor2d(ref.mlp.input), tf.tensor1d(ref.mlp.target, "int32")];

beforeAll(async () => {
  await backend();
});

describe("the reference file", () => {
  test("was made by torch 2.13 and holds every section", () => {
    expect(ref.meta.torch).toMatch(/^2\.13\./);
    for (const k of ["nll_loss", "mlp", "conv_1ch", "conv_2ch", "batchnorm1d", "batchnorm2d"]) expect(ref).toHaveProperty(k);
  });
});

describe("F.nll_loss", () => {
  test("mean and sum agree with PyTorch", () => {
    tf.tidy(() => {
      const out = tf.tensor2d(ref.nll_loss.log_probs);
      const target = tf.tensor1d(ref.nll_loss.target, "int32");
      expectClose(nll_loss(out, target).dataSync()[0], ref.nll_loss.mean);
      expectClose(nll_loss(out, target, "sum").dataSync()[0], ref.nll_loss.sum);
      // float targets (as some loaders make them) give the same loss
      expectClose(nll_loss(out, tf.cast(target, "float32")).dataSync()[0], ref.nll_loss.mean);
    });
  });
  test("rejects misshapen inputs", () => {
    tf.tidy(() => {
      expect(() => nll_loss(tf.zeros([4]), tf.zeros([4], "int32"))).toThrow(/\[N, classes\]/);
      expect(() => nll_loss(tf.zeros([4, 5]), tf.zeros([3], "int32"))).toThrow(/target must be \[N\]/);
    });
  });
});

describe("a tiny MLP against PyTorch (forward, gradients, optimizer steps)", () => {
  test("forward pass, loss and gradients (tf.variableGrads ≙ loss.backward())", () => {
    const model = tinyNetFromReference();
    const [x, y] = mlpBatch();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      expectClose(model.forward(x), ref.mlp.output);
      const { value, grads } = tf.variableGrads(() => nll_loss(model.forward(x), y), model.parameters());
      expectClose(value.dataSync()[0], ref.mlp.loss);
      const byVar = new Map(model.named_parameters().map(([n, v]) => [v.name, n]));
      const named = Object.fromEntries(Object.entries(grads).map(([vn, g]) => [byVar.get(vn)!, g]));
      expect(Object.keys(named).sort()).toEqual(Object.keys(ref.mlp.grads).sort());
      for (const [k, g] of Object.entries(named)) {
        expectClose(g.rank === 2 ? libLinearToTorch(g) : g, ref.mlp.grads[k]);
      }
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  /** Runs lib's trainStep `steps` times on the reference batch and compares with PyTorch's weights afterwards. */
  function checkSteps(make: (m: Module) => Optimizer, steps: number, expected: TorchState, losses: number[], weight_decay?: number): void {
    const model = tinyNetFromReference();
    const opt = make(model);
    const [x, y] = mlpBatch();
    const counts = [tf.memory().numTensors];
    for (let s = 0; s < steps; s++) {
      const r = trainStep(model, opt, x, y, weight_decay ? { weight_decay } : {});
      expectClose(r.loss, losses[s]);
      counts.push(tf.memory().numTensors);
    }
    // no tensors left behind by a step (momentum and Adam add their slots on the first step only)
    for (let s = 2; s <= steps; s++) expect(counts[s]).toBe(counts[1]);
    if (opt.description.startsWith("SGD") && !opt.description.includes("momentum")) expect(counts[1]).toBe(counts[0]);
    expectStateClose(model, expected);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }

  test("one step of optim.SGD(lr=0.1)", () => {
    checkSteps((m) => SGD(m.parameters(), { lr: ref.mlp.sgd.lr }), 1, ref.mlp.sgd.after_1, [ref.mlp.loss]);
  });

  test("two steps of SGD with momentum 0.9", () => {
    const r = ref.mlp.momentum;
    checkSteps((m) => SGD(m.parameters(), { lr: r.lr, momentum: r.momentum }), 2, r.after_2, r.losses);
  });

  test("two steps of Adam(lr=0.01)", () => {
    const r = ref.mlp.adam;
    checkSteps((m) => Adam(m.parameters(), { lr: r.lr, betas: r.betas, eps: r.eps }), 2, r.after_2, r.losses);
    // Adam's defaults are PyTorch's
    checkSteps((m) => Adam(m.parameters(), { lr: r.lr }), 2, r.after_2, r.losses);
  });

  test("weight decay: loss + (λ/2)·Σ‖W‖² over the weights only, one SGD step", () => {
    const r = ref.mlp.weight_decay;
    const model = tinyNetFromReference();
    tf.tidy(() => {
      // the penalty alone: (λ/2)(‖W1‖² + ‖W2‖²), biases excluded
      expectClose(l2Penalty(model, r.lambda).dataSync()[0], r.loss - r.nll);
    });
    model.dispose();
    checkSteps((m) => SGD(m.parameters(), { lr: r.lr }), 1, r.after_1, [r.loss], r.lambda);
  });
});

describe("Conv2d → ReLU → MaxPool2d(2, 2) against PyTorch", () => {
  test.each([
    ["1 input channel, Conv2d(1, 3, 3)", "conv_1ch", 1, 3],
    ["2 input channels, Conv2d(2, 4, 3)", "conv_2ch", 2, 4],
  ])("%s", (_label, key, cin, cout) => {
    const r = ref[key];
    const conv = new Conv2d(cin, cout, 3);
    const pool = new MaxPool2d(2, 2);
    const w = torchConvToLib(r.weight);
    const b = tf.tensor1d(r.bias);
    expect(w.shape).toEqual([3, 3, cin, cout]);
    conv.load_state_dict({ weight: w, bias: b });
    tf.dispose([w, b]);
    tf.tidy(() => {
      const x = nchwToNhwc(r.input); // [2, 6, 6, cin]
      expect(x.shape).toEqual([2, 6, 6, cin]);
      const y = conv.forward(x);
      expect(y.shape).toEqual([2, 4, 4, cout]);
      expectClose(nhwcToNchw(y), r.conv);
      const p = pool.forward(tf.relu(y));
      expect(p.shape).toEqual([2, 2, 2, cout]);
      expectClose(nhwcToNchw(p), r.relu_pool);
    });
    conv.dispose();
  });
});

describe("BatchNorm against PyTorch", () => {
  test.each([
    ["BatchNorm1d(3) on [6, 3], then eval on [4, 3]", "batchnorm1d"],
    ["BatchNorm2d(3) on [2, 3, 4, 4] (NCHW in torch, NHWC here)", "batchnorm2d"],
  ])("%s", (_label, key) => {
    const r = ref[key];
    const bn = new BatchNorm(3);
    expect(bn.eps).toBe(r.eps);
    expect(bn.momentum).toBe(r.momentum);
    const image = key === "batchnorm2d";
    const toLib = (x: Nested) => (image ? nchwToNhwc(x) : tf.tensor(x as number[][]));
    const toTorch = (y: tf.Tensor) => (image ? nhwcToNchw(y) : y);
    const init = { weight: tf.tensor1d(r.weight), bias: tf.tensor1d(r.bias), running_mean: tf.zeros([3]), running_var: tf.ones([3]) };
    bn.load_state_dict(init);
    tf.dispose(Object.values(init));
    const before = tf.memory().numTensors;
    bn.train();
    tf.tidy(() => expectClose(toTorch(bn.forward(toLib(r.train_input))), r.train_output));
    expectClose(bn.running_mean, r.running_mean);
    expectClose(bn.running_var, r.running_var); // unbiased, momentum 0.1
    bn.eval();
    tf.tidy(() => expectClose(toTorch(bn.forward(toLib(r.eval_input))), r.eval_output));
    expect(tf.memory().numTensors).toBe(before);
    bn.dispose();
  });
});

describe("initialization as PyTorch's (kaiming_uniform_(a=√5) → U(-1/√fan_in, 1/√fan_in))", () => {
  const stats = (t: tf.Tensor) => {
    const v = t.dataSync();
    let min = Infinity, max = -Infinity, s = 0, s2 = 0;
    for (const x of v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      s += x;
      s2 += x * x;
    }
    const mean = s / v.length;
    return { min, max, mean, std: Math.sqrt(s2 / v.length - mean * mean) };
  };
  /** weight in [-bound, bound], within (1 - edge)·bound of both ends, std of U(-bound, bound) within stdTol; bias in range. */
  const expectUniform = (m: Linear | Conv2d, bound: number, edge: number, stdTol: number) => {
    const w = stats(m.weight);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.max).toBeGreaterThan((1 - edge) * bound); // uses the whole range
    expect(w.min).toBeLessThan(-(1 - edge) * bound);
    expect(Math.abs(w.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(stdTol);
    const b = stats(m.bias);
    expect(b.min).toBeGreaterThanOrEqual(-bound);
    expect(b.max).toBeLessThanOrEqual(bound);
    return w;
  };

  test("Linear(784, 784): weights in [-1/28, 1/28], std (1/28)/√3", () => {
    manualSeed(0);
    const lin = new Linear(784, 784);
    expect(lin.weight.shape).toEqual([784, 784]);
    const w = expectUniform(lin, 1 / 28, 0.001, 0.005);
    expect(Math.abs(w.mean)).toBeLessThan(2e-4);
    lin.dispose();
  });

  test("Conv2d(32, 64, 3): bound 1/√(32·3·3) = 1/√288", () => {
    manualSeed(0);
    const conv = new Conv2d(32, 64, 3);
    expect(conv.weight.shape).toEqual([3, 3, 32, 64]);
    expectUniform(conv, 1 / Math.sqrt(288), 0.01, 0.02);
    conv.dispose();
  });

  test("the same seed gives the same weights, another seed other weights", () => {
    const draw = (seed: number) => {
      manualSeed(seed);
      const l = new Linear(20, 10);
      const v = Array.from(l.weight.dataSync());
      l.dispose();
      return v;
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});

describe("the lecture's models", () => {
  test("parameter counts: Net 1,238,730 and ConvNet 1,199,882", () => {
    const net = new Net();
    expect(net.numParameters()).toBe(1238730);
    net.dispose();
    const cnn = new ConvNet();
    expect(cnn.numParameters()).toBe(1199882);
    cnn.dispose();
  });

  // A parameter's initial tensor must not outlive its variable (nn.ts creates them inside tf.tidy).
  test("constructing and disposing a model leaves no tensors behind", () => {
    const before = tf.memory().numTensors;
    const m = new ConvNet({ channels: [4, 8], hidden: 16, batchNorm: true });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("ConvNet.summary([28, 28, 1]) lists each layer's output shape and the total", () => {
    const cnn = new ConvNet();
    const before = tf.memory().numTensors;
    const s = cnn.summary([28, 28, 1]);
    expect(tf.memory().numTensors).toBe(before);
    const row = (name: string, type: string, shape: string, params: string) =>
      expect(s).toMatch(new RegExp(`^${name} \\(${type}\\)\\s+\\[${shape}\\]\\s+${params}$`, "m"));
    row("conv1", "Conv2d", "1, 26, 26, 32", "320");
    row("conv2", "Conv2d", "1, 24, 24, 64", "18,496");
    row("pool", "MaxPool2d", "1, 12, 12, 64", "0");
    row("fc1", "Linear", "1, 128", "1,179,776");
    row("fc2", "Linear", "1, 10", "1,290");
    expect(s).toContain("Total params: 1,199,882");
    // summary leaves the model as it was: still in training mode, forward restored
    expect(cnn.training).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(cnn.conv1, "forward")).toBe(false);
    cnn.dispose();
  });

  test("inEvalMode runs in eval mode and puts the mode back: after a value, a throw, a promise and a rejection", async () => {
    const net = new Net({ dropout: 0.5 });
    const seen: boolean[] = [];
    expect(inEvalMode(net, () => (seen.push(net.drop!.training), 7))).toBe(7);
    expect(() => inEvalMode(net, () => { seen.push(net.drop!.training); throw new Error("x"); })).toThrow("x");
    await expect(inEvalMode(net, async () => (seen.push(net.drop!.training), 8))).resolves.toBe(8);
    await expect(inEvalMode(net, async () => { await Promise.resolve(); seen.push(net.training); throw new Error("y"); })).rejects.toThrow("y");
    expect(seen).toEqual([false, false, false, false]);
    expect([net.training, net.drop!.training]).toEqual([true, true]);
    net.eval();
    inEvalMode(net, () => undefined);
    expect(net.training).toBe(false); // a model in eval mode stays in it
    net.dispose();
  });

  test("traceForward records the watched modules' shapes in call order, in eval mode, and restores forward and mode", () => {
    const cnn = new ConvNet({ dropout: [0.25, 0.5] });
    const { calls, output } = traceForward(cnn, [2, 28, 28, 1]);
    expect(calls.map((c) => `${c.name} ${c.input} → ${c.output}`)).toEqual([
      "conv1 2,28,28,1 → 2,26,26,32",
      "conv2 2,26,26,32 → 2,24,24,64",
      "pool 2,24,24,64 → 2,12,12,64",
      "drop1 2,12,12,64 → 2,12,12,64",
      "fc1 2,9216 → 2,128",
      "drop2 2,128 → 2,128",
      "fc2 2,128 → 2,10",
    ]);
    expect(output).toEqual([2, 10]);
    expect(traceForward(cnn, [1, 28, 28, 1], [["fc2", cnn.fc2]]).calls.map((c) => c.name)).toEqual(["fc2"]);
    expect(cnn.training).toBe(true);
    expect(cnn.named_children().filter(([, m]) => Object.prototype.hasOwnProperty.call(m, "forward"))).toEqual([]);
    cnn.dispose();
  });
});

describe("Dropout", () => {
  test("training: about p of the elements are zero, the rest scaled by 1/(1-p); eval: identity", () => {
    manualSeed(0);
    const p = 0.3;
    const d = new Dropout(p);
    tf.tidy(() => {
      const x = tf.ones([200, 500]);
      const y = d.forward(x).dataSync();
      let zeros = 0;
      let wrong = 0;
      for (const v of y) {
        if (v === 0) zeros++;
        else if (Math.abs(v - 1 / (1 - p)) > 1e-6) wrong++;
      }
      expect(Math.abs(zeros / y.length - p)).toBeLessThan(0.01);
      expect(wrong).toBe(0);
      // a fresh mask each call
      expect(Array.from(d.forward(x).dataSync())).not.toEqual(Array.from(y));

      d.eval();
      const z = tf.randomNormal([50, 40]);
      expect(Array.from(d.forward(z).dataSync())).toEqual(Array.from(z.dataSync()));
    });
  });
  test("rejects p outside [0, 1)", () => {
    expect(() => new Dropout(1)).toThrow(/\[0, 1\)/);
    expect(() => new Dropout(-0.1)).toThrow(/\[0, 1\)/);
  });
});

describe("save() / load()", () => {
  const file = path.join(os.tmpdir(), `lecture3-nn-test-${process.pid}.json`);
  afterAll(() => fs.rmSync(file, { force: true }));

  test("a round trip into a fresh model gives identical outputs (parameters and batch-norm buffers)", () => {
    manualSeed(1);
    const opts = { channels: [4, 8] as [number, number], hidden: 16, batchNorm: true, dropout: [0.25, 0.5] as [number, number] };
    const a = new ConvNet(opts);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 5);
    tf.tidy(() => a.forward(x)); // training mode: moves the running statistics away from 0 / 1
    a.save(file);
    manualSeed(2);
    const b = new ConvNet(opts);
    a.eval();
    b.eval();
    tf.tidy(() => {
      expect(Array.from(b.forward(x).dataSync())).not.toEqual(Array.from(a.forward(x).dataSync()));
    });
    const before = tf.memory().numTensors;
    expect(b.load(file)).toBe(b);
    expect(tf.memory().numTensors).toBe(before);
    tf.tidy(() => {
      expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
      for (const [k, v] of a.state_dict()) expect(Array.from(b.state_dict().get(k)!.dataSync())).toEqual(Array.from(v.dataSync()));
    });
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });

  test("loading into another architecture throws an error that names the mismatch", () => {
    const small = new ConvNet({ channels: [4, 8], hidden: 16 });
    small.save(file);
    const mlp = new Net();
    expect(() => mlp.load(file)).toThrow(/missing \[l1\.weight.*unexpected \[conv1\.weight/);
    const big = new ConvNet();
    expect(() => big.load(file)).toThrow(/conv1\.weight has shape \[3,3,1,4\] but the model needs \[3,3,1,32\]/);
    fs.writeFileSync(file, JSON.stringify({ hello: 1 }));
    expect(() => big.load(file)).toThrow(/not a file written by Module\.save\(\)/);
    [small, mlp, big].forEach((m) => m.dispose());
  });
});

describe("a model nobody refers to any more frees its weights (a notebook run again keeps no old model)", () => {
  // V8 collects when it likes; a test asks for a full collection (what V8 does by itself later).
  require("v8").setFlagsFromString("--expose-gc");
  const gc: () => void = require("vm").runInNewContext("gc");
  async function collect(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10)); // FinalizationRegistry callbacks run in a later task
    }
  }

  test("the CNN and its Adam state are disposed after both are dropped; a live model keeps its weights", async () => {
    backend();
    await collect();
    const before = tf.memory().numTensors;
    const kept = new ConvNet();
    const keptCount = tf.memory().numTensors - before;
    (() => {
      const dropped = new ConvNet();
      const opt = Adam(dropped.parameters(), { lr: 1e-3 });
      const [x, y] = [tf.randomNormal([2, 28, 28, 1]), tf.tensor1d([1, 2], "int32")];
      trainStep(dropped, opt, x, y);
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBeGreaterThan(before + keptCount * 2); // weights + Adam's moments
    })();
    await collect();
    expect(tf.memory().numTensors).toBe(before + keptCount);
    expect(kept.parameters().every((p) => !p.isDisposed)).toBe(true);
    expect(tf.tidy(() => kept.forward(tf.zeros([1, 28, 28, 1])).shape)).toEqual([1, 10]);
    kept.dispose();
  });

  test("weights a module did not make (a wrapped tf.LayersModel, shared) stay when the wrapper is dropped", async () => {
    backend();
    const { LayersModule } = await import("../lib/node/mobilenet");
    const shared = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    (() => {
      new LayersModule(shared).parameters();
    })();
    await collect();
    expect(shared.trainableWeights.every((w) => !w.read().isDisposed)).toBe(true);
    shared.dispose();
  });
});
