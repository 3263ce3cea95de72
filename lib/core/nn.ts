// torch.nn in miniature: Module, Linear, Conv2d, MaxPool2d, Dropout, BatchNorm, Flatten, ReLU, Sequential; and the two
// helpers everything that looks at a model shares: inEvalMode (eval mode, then the mode it had) and traceForward.
// Weights are initialized as PyTorch initializes nn.Linear / nn.Conv2d
// (kaiming_uniform_(a=√5) → U(-1/√fan_in, 1/√fan_in), bias likewise), drawn from the seeded
// global generator, so manualSeed(s) gives the same network every run.
// Layout differs from PyTorch where TensorFlow's kernels want it:
//   images are NHWC ([N, 28, 28, 1]), Linear.weight is [in, out], Conv2d.weight is [kh, kw, in, out].
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { writeAtomically } from "../node/files";
import { globalRandom } from "./random";

/**
 * Weights a module made itself are freed once nothing refers to the module any more, as PyTorch frees a model's
 * tensors: TensorFlow.js keeps every tf.Variable until dispose(), so a notebook run again (`const model = new Net()`
 * once more) would otherwise keep every earlier model's weights. V8 decides when a module is collected.
 */
const freedWithModule = new FinalizationRegistry<tf.Variable>((v) => {
  if (!v.isDisposed) v.dispose();
});

export abstract class Module {
  /** train() / eval(): dropout and batch norm behave differently in the two modes. */
  training = true;

  /** Marks `v` as this module's own (it made it): `v` is disposed after this module has been garbage-collected. */
  protected owns(v: tf.Variable): tf.Variable {
    freedWithModule.register(this, v);
    return v;
  }

  abstract forward(x: tf.Tensor): tf.Tensor;

  /** Sub-modules, found among this object's fields (arrays of modules too), in declaration order. */
  named_children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => m instanceof Module && out.push([`${k}.${i}`, m]));
    }
    return out;
  }

  /** This module's own trainable tensors (not its children's). */
  protected ownParameters(): [string, tf.Variable][] {
    return [];
  }
  /** This module's own state that is not trained by gradients (batch norm's running statistics). */
  protected ownBuffers(): [string, tf.Variable][] {
    return [];
  }

  named_parameters(prefix = ""): [string, tf.Variable][] {
    const own = this.ownParameters().map(([n, v]) => [prefix + n, v] as [string, tf.Variable]);
    return own.concat(...this.named_children().map(([n, m]) => m.named_parameters(`${prefix}${n}.`)));
  }
  named_buffers(prefix = ""): [string, tf.Variable][] {
    const own = this.ownBuffers().map(([n, v]) => [prefix + n, v] as [string, tf.Variable]);
    return own.concat(...this.named_children().map(([n, m]) => m.named_buffers(`${prefix}${n}.`)));
  }
  /** model.parameters(): what the optimizer updates. */
  parameters(): tf.Variable[] {
    return this.named_parameters().map(([, v]) => v);
  }
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  train(mode = true): this {
    this.training = mode;
    this.named_children().forEach(([, m]) => m.train(mode));
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by name (the tensors themselves, not copies). */
  state_dict(): Map<string, tf.Variable> {
    return new Map([...this.named_parameters(), ...this.named_buffers()]);
  }
  /** Copies of every parameter and buffer, e.g. to restore the best epoch later. */
  snapshot(): Map<string, tf.Tensor> {
    return new Map([...this.state_dict()].map(([k, v]) => [k, tf.clone(v)]));
  }
  /** Assigns tensors by name; names and shapes must match this module exactly. */
  load_state_dict(state: Map<string, tf.Tensor> | Record<string, tf.Tensor>): void {
    const src = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.state_dict();
    const missing = [...own.keys()].filter((k) => !src.has(k));
    const extra = [...src.keys()].filter((k) => !own.has(k));
    if (missing.length || extra.length) {
      throw new Error(`load_state_dict: missing [${missing.join(", ")}], unexpected [${extra.join(", ")}]; was it saved from another architecture?`);
    }
    for (const [k, v] of own) {
      const t = src.get(k)!;
      if (t.shape.join() !== v.shape.join()) throw new Error(`load_state_dict: ${k} has shape [${t.shape}] but the model needs [${v.shape}]`);
      v.assign(t as tf.Tensor);
    }
  }

  /** Writes parameters and buffers to a JSON file (like torch.save(model.state_dict(), file)). */
  save(file: string): void {
    const tensors: Record<string, { shape: number[]; data: string }> = {};
    for (const [k, v] of this.state_dict()) {
      tensors[k] = { shape: v.shape, data: Buffer.from((v.dataSync() as Float32Array).buffer).toString("base64") };
    }
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeAtomically(file, (tmp) => fs.writeFileSync(tmp, JSON.stringify({ format: "lecture3-state-dict/1", tensors })));
  }
  /** Reads a file written by save() into this model. */
  load(file: string): this {
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    if (json.format !== "lecture3-state-dict/1") throw new Error(`${file}: not a file written by Module.save()`);
    const state = new Map<string, tf.Tensor>();
    for (const [k, t] of Object.entries(json.tensors as Record<string, { shape: number[]; data: string }>)) {
      const b = Buffer.from(t.data, "base64");
      state.set(k, tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), t.shape));
    }
    try {
      this.load_state_dict(state);
    } finally {
      tf.dispose([...state.values()]);
    }
    return this;
  }

  dispose(): void {
    tf.dispose([...this.state_dict().values()]);
  }

  /** A table like torchinfo's: each layer, its output shape for `inputShape` (without the batch axis), its parameters. */
  summary(inputShape: number[], batch = 1): string {
    const { calls, output: out } = traceForward(this, [batch, ...inputShape]);
    const rows = calls.map((c): [string, string, number] => [`${c.name} (${c.module.constructor.name})`, `[${c.output.join(", ")}]`, c.module.numParameters()]);
    const w0 = Math.max(20, ...rows.map((r) => r[0].length)) + 2;
    const line = "=".repeat(w0 + 32);
    const fmt = (a: string, b: string, c: string) => a.padEnd(w0) + b.padEnd(20) + c.padStart(12);
    const total = this.numParameters();
    return [
      line,
      fmt(`Layer (type)`, "Output Shape", "Param #"),
      line,
      fmt(`input`, `[${[batch, ...inputShape].join(", ")}]`, ""),
      ...rows.map(([a, b, c]) => fmt(a, b, c.toLocaleString("en-US"))),
      fmt(`output (${this.constructor.name})`, `[${out.join(", ")}]`, ""),
      line,
      `Total params: ${total.toLocaleString("en-US")}`,
      line,
    ].join("\n");
  }
}

/**
 * Runs `f` with `model` in eval mode (no dropout draws, no batch-norm updates) and puts the mode it had back
 * afterwards, also when `f` throws; a promise returned by `f` restores the mode when it settles.
 */
export function inEvalMode<T>(model: Module, f: () => T): T {
  const wasTraining = model.training;
  model.eval();
  let result: T;
  try {
    result = f();
  } catch (e) {
    model.train(wasTraining);
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => model.train(wasTraining)) as T;
  model.train(wasTraining);
  return result;
}

/** One call of a traced module: its name, the module, and the shapes (with the batch axis) that went in and came out. */
export interface TracedCall {
  name: string;
  module: Module;
  input: number[];
  output: number[];
}

/**
 * Runs `model` once on zeros of `inputShape` (with the batch axis) in eval mode and records every call of the
 * modules in `watch` (default: every module without sub-modules, named by its path such as "features.0"), in call
 * order. Each module's forward and the model's mode are restored afterwards. Returns the calls and the output shape.
 */
export function traceForward(model: Module, inputShape: number[], watch: [string, Module][] = leafModules(model)): { calls: TracedCall[]; output: number[] } {
  const calls: TracedCall[] = [];
  for (const [name, m] of watch) {
    const orig = m.forward;
    m.forward = (x: tf.Tensor) => {
      const y = orig.call(m, x);
      calls.push({ name, module: m, input: x.shape, output: y.shape });
      return y;
    };
  }
  try {
    const output = inEvalMode(model, () => tf.tidy(() => model.forward(tf.zeros(inputShape)).shape));
    return { calls, output };
  } finally {
    watch.forEach(([, m]) => delete (m as { forward?: unknown }).forward);
  }
}

/** The modules below `model` that have no sub-modules, named by their path ("layer1.0.conv1"). */
function leafModules(model: Module, prefix = ""): [string, Module][] {
  return model.named_children().flatMap(([n, m]) => (m.named_children().length > 0 ? leafModules(m, `${prefix}${n}.`) : [[`${prefix}${n}`, m] as [string, Module]]));
}

/** Layers compute in float32: for int32 images (raw pixels) or bool masks, an error naming the layer and the fix. */
function needFloat32(x: tf.Tensor, layer: string): never {
  throw new Error(`${layer} got a ${x.dtype} tensor of shape [${x.shape}]; it needs float32 (images through transforms.ToTensor(), or x.toFloat())`);
}

function uniformVariable(shape: number[], bound: number, name: string): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = globalRandom().uniform(n, -bound, bound);
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `${name}_${nextId++}`));
}
let nextId = 0;

/** y = x W + b  (nn.Linear(in_features, out_features)) */
export class Linear extends Module {
  weight: tf.Variable; // [in, out]
  bias: tf.Variable; // [out]
  constructor(readonly in_features: number, readonly out_features: number) {
    super();
    const bound = 1 / Math.sqrt(in_features);
    this.weight = this.owns(uniformVariable([in_features, out_features], bound, "linear_w"));
    this.bias = this.owns(uniformVariable([out_features], bound, "linear_b"));
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return [["weight", this.weight], ["bias", this.bias]];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.in_features) {
      throw new Error(`Linear(${this.in_features}, ${this.out_features}) got input of shape [${x.shape}]; it needs [N, ${this.in_features}] (reshape first?)`);
    }
    if (x.dtype !== "float32") needFloat32(x, `Linear(${this.in_features}, ${this.out_features})`);
    return tf.add(tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D), this.bias);
  }
}

/** nn.Conv2d(in_channels, out_channels, kernel_size): 'valid' padding and stride 1 unless given. */
export class Conv2d extends Module {
  weight: tf.Variable; // [kh, kw, in, out]
  bias: tf.Variable; // [out]
  constructor(
    readonly in_channels: number,
    readonly out_channels: number,
    readonly kernel_size: number,
    readonly opts: { stride?: number; padding?: number | "same" | "valid" } = {},
  ) {
    super();
    const bound = 1 / Math.sqrt(in_channels * kernel_size * kernel_size);
    this.weight = this.owns(uniformVariable([kernel_size, kernel_size, in_channels, out_channels], bound, "conv_w"));
    this.bias = this.owns(uniformVariable([out_channels], bound, "conv_b"));
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return [["weight", this.weight], ["bias", this.bias]];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.in_channels) {
      throw new Error(`Conv2d(${this.in_channels}, ${this.out_channels}, ${this.kernel_size}) got input of shape [${x.shape}]; it needs [N, H, W, ${this.in_channels}]`);
    }
    if (x.dtype !== "float32") needFloat32(x, `Conv2d(${this.in_channels}, ${this.out_channels}, ${this.kernel_size})`);
    const pad = this.opts.padding ?? "valid";
    // a number pads with that many zeros on each side (PyTorch's padding=p); the native backend takes only
    // 'valid' and 'same', so the zeros are added here and the convolution is 'valid'
    const input = typeof pad === "number" && pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    const y = tf.conv2d(input as tf.Tensor4D, this.weight as tf.Tensor4D, this.opts.stride ?? 1, typeof pad === "number" ? "valid" : pad);
    return tf.add(y, this.bias);
  }
}

/** nn.MaxPool2d(kernel_size, stride) */
export class MaxPool2d extends Module {
  constructor(readonly kernel_size: number, readonly stride = kernel_size) {
    super();
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.maxPool(x as tf.Tensor4D, this.kernel_size, this.stride, "valid");
  }
}

/** nn.Dropout(p): in training, zeroes each element with probability p and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: p must be in [0, 1), got ${p}`);
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    return tf.dropout(x, this.p, undefined, globalRandom().seed());
  }
}

/**
 * nn.BatchNorm1d / nn.BatchNorm2d: normalizes each feature (the last axis) over the mini-batch
 * (and over height and width for images), then scales and shifts by learned weight and bias.
 * Running mean and variance (momentum 0.1, unbiased variance, as PyTorch) are used in eval().
 */
export class BatchNorm extends Module {
  weight: tf.Variable;
  bias: tf.Variable;
  running_mean: tf.Variable;
  running_var: tf.Variable;
  constructor(readonly num_features: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    this.weight = this.owns(tf.tidy(() => tf.variable(tf.ones([num_features]), true, `bn_w_${nextId++}`)));
    this.bias = this.owns(tf.tidy(() => tf.variable(tf.zeros([num_features]), true, `bn_b_${nextId++}`)));
    this.running_mean = this.owns(tf.tidy(() => tf.variable(tf.zeros([num_features]), false, `bn_mean_${nextId++}`)));
    this.running_var = this.owns(tf.tidy(() => tf.variable(tf.ones([num_features]), false, `bn_var_${nextId++}`)));
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return [["weight", this.weight], ["bias", this.bias]];
  }
  protected override ownBuffers(): [string, tf.Variable][] {
    return [["running_mean", this.running_mean], ["running_var", this.running_var]];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mean: tf.Tensor, variance: tf.Tensor;
    if (this.training) {
      ({ mean, variance } = tf.moments(x, axes));
      const n = x.size / this.num_features;
      const m = this.momentum;
      // (the running statistics are not on the loss's path, so no gradient flows into them)
      tf.tidy(() => {
        const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
        this.running_mean.assign(tf.add(tf.mul(this.running_mean, 1 - m), tf.mul(mean, m)));
        this.running_var.assign(tf.add(tf.mul(this.running_var, 1 - m), tf.mul(unbiased, m)));
      });
    } else {
      mean = this.running_mean;
      variance = this.running_var;
    }
    return tf.batchNorm(x, mean, variance, this.bias, this.weight, this.eps);
  }
}

/** x.view(N, -1) */
export class Flatten extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [x.shape[0], -1]);
  }
}

export class ReLU extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/** nn.Sequential(a, b, c): applies its modules in order. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return this.layers.reduce((h, m) => m.forward(h), x);
  }
}
