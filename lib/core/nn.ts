// torch.nn in miniature: Module (module.ts); Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Dropout, BatchNorm,
// Flatten; the activations ReLU, Tanh, Sigmoid, LogSoftmax; Sequential; nn.init (init.ts). And, re-exported, the two
// helpers everything that looks at a model shares: inEvalMode (mode.ts) and traceForward (module.ts).
// Weights are initialized as PyTorch initializes nn.Linear / nn.Conv2d
// (kaiming_uniform_(a=√5) → U(-1/√fan_in, 1/√fan_in), bias likewise), drawn from the seeded
// global generator, so manualSeed(s) gives the same network every run.
// Layout differs from PyTorch where TensorFlow's kernels want it:
//   images are NHWC ([N, 28, 28, 1]), Linear.weight is [in, out], Conv2d.weight is [kh, kw, in, out].
import * as tf from "@tensorflow/tfjs";
import { Module } from "./module";
import { globalRandom } from "./random";

export { inEvalMode } from "./mode";
export { Module, traceForward } from "./module";
export type { TracedCall } from "./module";

export * as init from "./init";

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
