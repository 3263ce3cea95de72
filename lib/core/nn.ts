// torch.nn in miniature: Module; Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Dropout, BatchNorm, Flatten;
// the activations ReLU, Tanh, Sigmoid, LogSoftmax; Sequential; nn.init (init.ts). And the two helpers everything that
// looks at a model shares: inEvalMode (eval mode, then the mode it had; mode.ts) and traceForward.
// Weights are initialized as PyTorch initializes nn.Linear / nn.Conv2d
// (kaiming_uniform_(a=√5) → U(-1/√fan_in, 1/√fan_in), bias likewise), drawn from the seeded
// global generator, so manualSeed(s) gives the same network every run.
// Layout differs from PyTorch where TensorFlow's kernels want it:
//   images are NHWC ([N, 28, 28, 1]), Linear.weight is [in, out], Conv2d.weight is [kh, kw, in, out].
import * as tf from "@tensorflow/tfjs";
import { fromBase64, toBase64 } from "./bytes";
import { madeByThisCell } from "./ownership";
import { needs } from "./platform";
import { inEvalMode } from "./mode";
import { globalRandom } from "./random";

export { inEvalMode };

export * as init from "./init";

export abstract class Module {
  /** train() / eval(): dropout and batch norm behave differently in the two modes. */
  training = true;

  /**
   * Marks `v` as this module's own (it made it): freed by dispose(), or when the notebook cell that made it runs
   * again (ownership.ts). Weights a module did not make (a wrapped tf.LayersModel's) are not marked.
   */
  protected owns(v: tf.Variable): tf.Variable {
    madeByThisCell({ dispose: () => v.isDisposed || v.dispose() });
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

  /** This module and every module below it, parents before their children (PyTorch's model.modules()). */
  modules(): Module[] {
    return [this as Module].concat(...this.named_children().map(([, m]) => m.modules()));
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
      const values = v.dataSync() as Float32Array; // may be a view into a larger buffer: take only its bytes
      tensors[k] = { shape: v.shape, data: toBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) };
    }
    const json = JSON.stringify({ format: "lecture3-state-dict/1", tensors });
    needs("writeFile", "Module.save")(file, new TextEncoder().encode(json)); // never half written (the platform)
  }
  /** Reads a file written by save() into this model. */
  load(file: string): this {
    const json = JSON.parse(new TextDecoder().decode(needs("readFile", "Module.load")(file)));
    if (json.format !== "lecture3-state-dict/1") throw new Error(`${file}: not a file written by Module.save()`);
    const state = new Map<string, tf.Tensor>();
    for (const [k, t] of Object.entries(json.tensors as Record<string, { shape: number[]; data: string }>)) {
      const b = fromBase64(t.data);
      state.set(k, tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), t.shape));
    }
    try {
      this.load_state_dict(state);
    } finally {
      tf.dispose([...state.values()]);
    }
    return this;
  }

  /** Frees every parameter and buffer (the tensors are unusable afterwards); a second call does nothing. */
  dispose(): void {
    for (const v of this.state_dict().values()) if (!v.isDisposed) v.dispose();
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

/** One call of a traced module: its name, the module, and the shapes (with the batch axis) that went in and came out. */
export interface TracedCall {
  name: string;
  module: Module;
  input: number[];
  output: number[];
  /** The ids (tf.Tensor's `id`) of what went in and came out: a call whose inputId is another call's outputId took that output as it was. */
  inputId: number;
  outputId: number;
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
      calls.push({ name, module: m, input: x.shape, output: y.shape, inputId: x.id, outputId: y.id });
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

/** Options of nn.Conv2d, as PyTorch's keyword arguments. */
export interface Conv2dOptions {
  /** step of the window (default 1) */
  stride?: number;
  /** zeros added on each side (PyTorch's padding=p), or "same" / "valid" (default "valid": none) */
  padding?: number | "same" | "valid";
  /** add a learned bias per output channel (default true; false before batch norm, as ResNet) */
  bias?: boolean;
}

/** nn.Conv2d(in_channels, out_channels, kernel_size, { stride, padding, bias }): stride 1, no padding, a bias unless given. */
export class Conv2d extends Module {
  weight: tf.Variable; // [kh, kw, in, out]
  bias: tf.Variable | null; // [out], null with bias: false
  readonly stride: number;
  readonly padding: number | "same" | "valid";
  constructor(readonly in_channels: number, readonly out_channels: number, readonly kernel_size: number, options: Conv2dOptions = {}) {
    super();
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? "valid";
    const bound = 1 / Math.sqrt(in_channels * kernel_size * kernel_size);
    this.weight = this.owns(uniformVariable([kernel_size, kernel_size, in_channels, out_channels], bound, "conv_w"));
    this.bias = options.bias === false ? null : this.owns(uniformVariable([out_channels], bound, "conv_b"));
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return this.bias ? [["weight", this.weight], ["bias", this.bias]] : [["weight", this.weight]];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const name = `Conv2d(${this.in_channels}, ${this.out_channels}, ${this.kernel_size})`;
    if (x.rank !== 4 || x.shape[3] !== this.in_channels) {
      throw new Error(`${name} got input of shape [${x.shape}]; it needs [N, H, W, ${this.in_channels}]`);
    }
    if (x.dtype !== "float32") needFloat32(x, name);
    const pad = this.padding;
    // a number pads with that many zeros on each side (PyTorch's padding=p); the native backend takes only
    // 'valid' and 'same', so the zeros are added here and the convolution is 'valid'
    const input = typeof pad === "number" && pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
    const y = tf.conv2d(input as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, typeof pad === "number" ? "valid" : pad);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/**
 * nn.MaxPool2d(kernel_size, stride = kernel_size, padding = 0, ceil_mode = false): the padding is −∞, so it never
 * wins the maximum (as PyTorch); ceil_mode rounds the output size up (⌈(H + 2p − k)/s⌉ + 1) by padding the bottom
 * and right with −∞ as well.
 */
export class MaxPool2d extends Module {
  constructor(readonly kernel_size: number, readonly stride = kernel_size, readonly padding = 0, readonly ceil_mode = false) {
    super();
  }
  /** The −∞ rows (or columns) ceil_mode adds after a side of `n`. */
  private extra(n: number): number {
    if (!this.ceil_mode) return 0;
    const k = this.kernel_size, s = this.stride, p = this.padding;
    let out = Math.ceil((n + 2 * p - k) / s) + 1;
    if ((out - 1) * s >= n + p) out--; // PyTorch: the last window must start inside the input or the left padding
    return Math.max(0, (out - 1) * s + k - (n + 2 * p));
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`MaxPool2d got input of shape [${x.shape}]; it needs [N, H, W, C]`);
    const p = this.padding;
    const eh = this.extra(x.shape[1] as number), ew = this.extra(x.shape[2] as number);
    const input = p > 0 || eh > 0 || ew > 0 ? tf.pad(x, [[0, 0], [p, p + eh], [p, p + ew], [0, 0]], -Infinity) : x;
    return tf.maxPool(input as tf.Tensor4D, this.kernel_size, this.stride, "valid");
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

/** nn.Tanh() */
export class Tanh extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.tanh(x);
  }
}

/** nn.Sigmoid(): σ(x) = 1 / (1 + e^(−x)) */
export class Sigmoid extends Module {
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}

/** nn.LogSoftmax(dim = -1): log-probabilities, the input nll_loss expects. */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.logSoftmax(x, this.dim);
  }
}

/** nn.AvgPool2d(kernel_size, stride = kernel_size, padding = 0) on NHWC maps (padding counted, as PyTorch's default count_include_pad). */
export class AvgPool2d extends Module {
  constructor(readonly kernel_size: number, readonly stride = kernel_size, readonly padding = 0) {
    super();
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`AvgPool2d got input of shape [${x.shape}]; it needs [N, H, W, C]`);
    const p = this.padding;
    const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
    return tf.avgPool(padded as tf.Tensor4D, this.kernel_size, this.stride, "valid");
  }
}

/**
 * nn.AdaptiveAvgPool2d(output_size): average over bins that cover the map, PyTorch's bins
 * (start = ⌊i·H/out⌋, end = ⌈(i+1)·H/out⌉). AdaptiveAvgPool2d(1) is global average pooling: [N, H, W, C] → [N, 1, 1, C].
 */
export class AdaptiveAvgPool2d extends Module {
  readonly out: [number, number];
  constructor(output_size: number | [number, number] = 1) {
    super();
    this.out = typeof output_size === "number" ? [output_size, output_size] : output_size;
  }
  override forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`AdaptiveAvgPool2d got input of shape [${x.shape}]; it needs [N, H, W, C]`);
    const [, h, w] = x.shape;
    const [oh, ow] = this.out;
    if (oh === 1 && ow === 1) return tf.mean(x, [1, 2], true);
    return tf.tidy(() => {
      const rows: tf.Tensor[] = [];
      for (let i = 0; i < oh; i++) {
        const h0 = Math.floor((i * h) / oh), h1 = Math.ceil(((i + 1) * h) / oh);
        const cols: tf.Tensor[] = [];
        for (let j = 0; j < ow; j++) {
          const w0 = Math.floor((j * w) / ow), w1 = Math.ceil(((j + 1) * w) / ow);
          cols.push(tf.mean(tf.slice(x, [0, h0, w0, 0], [-1, h1 - h0, w1 - w0, -1]), [1, 2], true));
        }
        rows.push(tf.concat(cols, 2));
      }
      return tf.concat(rows, 1);
    });
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
