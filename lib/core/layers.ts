// For deep networks (notebook 08), on top of nn.ts's modules: Residual (y = x + F(x), the skip connection of ResNet)
// and gradNorms() (the norm of each parameter's gradient after one forward/backward pass, without updating anything).
// Layouts as in nn.ts: images NHWC, Linear.weight [in, out], Conv2d.weight [kh, kw, in, out].
import * as tf from "@tensorflow/tfjs";
import { nll_loss } from "./functional";
import { Module } from "./nn";

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
