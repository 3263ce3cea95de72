// Layers for deep networks (notebook 08), on top of lib/nn.ts's Module:
//   Tanh, Sigmoid, LogSoftmax (ReLU is in nn.ts), AvgPool2d, AdaptiveAvgPool2d (global average pooling),
//   Residual (y = x + F(x), the skip connection of ResNet), kaimingUniform_() (He initialization) and gradNorms() (the norm of each parameter's
//   gradient after one forward/backward pass, without updating anything).
// Layouts as in nn.ts: images NHWC, Linear.weight [in, out], Conv2d.weight [kh, kw, in, out].
import * as tf from "@tensorflow/tfjs";
import { nll_loss } from "./functional";
import { Module } from "./nn";
import { globalRandom } from "./random";

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

/**
 * The skip connection: y = shortcut(x) + body(x), then `after` (e.g. ReLU) if given.
 * shortcut is the identity unless a module is given (ResNet's 1×1 convolution when the shape changes).
 */
export class Residual extends Module {
  constructor(readonly body: Module, readonly shortcut: Module | null = null, readonly after: Module | null = null) {
    super();
  }
  override named_children(): [string, Module][] {
    const out: [string, Module][] = [["body", this.body]];
    if (this.shortcut) out.push(["shortcut", this.shortcut]);
    if (this.after) out.push(["after", this.after]);
    return out;
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const fx = this.body.forward(x);
    const sx = this.shortcut ? this.shortcut.forward(x) : x;
    if (fx.shape.join() !== sx.shape.join()) {
      throw new Error(`Residual: F(x) has shape [${fx.shape}] but the shortcut gives [${sx.shape}]; give a shortcut module that maps x to F(x)'s shape`);
    }
    const y = tf.add(sx, fx);
    return this.after ? this.after.forward(y) : y;
  }
}

export interface GradNorm {
  /** the parameter's name, as named_parameters() gives it (e.g. "layers.0.weight") */
  name: string;
  /** its shape */
  shape: number[];
  /** ‖∂loss/∂p‖₂ (the Frobenius norm: the square root of the sum of squares of all elements) */
  norm: number;
}

/**
 * The L2 norm of the gradient of the loss with respect to each parameter, for one mini-batch, without
 * changing the weights (no optimizer step; in train() mode batch norm still updates its running statistics,
 * as any forward pass in training does). The model stays in the mode it is in (train() / eval()); the loss
 * is nll_loss(model.forward(input), target) unless `loss` is given.
 */
export function gradNorms(
  model: Module,
  input: tf.Tensor,
  target: tf.Tensor,
  loss: (output: tf.Tensor, target: tf.Tensor) => tf.Scalar = nll_loss,
): GradNorm[] {
  const named = model.named_parameters();
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(model.forward(input), target), named.map(([, v]) => v));
    return named.map(([name, v]) => {
      const g = grads[v.name];
      const norm = g ? tf.norm(g).dataSync()[0] : 0;
      return { name, shape: v.shape, norm };
    });
  });
}

/**
 * He (Kaiming) initialization for ReLU networks, as nn.init.kaiming_uniform_(w, nonlinearity="relu") with zero biases:
 * every weight with two or more axes (Linear [in, out], Conv2d [kh, kw, in, out]) is drawn from U(−b, b) with
 * b = √(6 / fan_in), so its variance is 2 / fan_in (fan_in = the elements feeding one output: in, or kh·kw·in);
 * every bias of such a layer (a one-axis parameter named "…bias" that is not batch norm's) becomes 0.
 * Batch norm's weight and bias are left as they are. Drawn from the seeded global generator (manualSeed).
 * PyTorch's default (what Linear and Conv2d start with here) has variance 1 / (3·fan_in).
 */
export function kaimingUniform_(model: Module): Module {
  const params = model.named_parameters();
  const weights = new Set(params.filter(([, p]) => p.rank >= 2).map(([n]) => n.replace(/weight$/, "")));
  for (const [name, p] of params) {
    if (p.rank >= 2) {
      const fanIn = p.size / p.shape[p.rank - 1];
      const b = Math.sqrt(6 / fanIn);
      tf.tidy(() => p.assign(tf.tensor(globalRandom().uniform(p.size, -b, b), p.shape)));
    } else if (name.endsWith("bias") && weights.has(name.replace(/bias$/, ""))) {
      tf.tidy(() => p.assign(tf.zerosLike(p)));
    }
  }
  return model;
}
