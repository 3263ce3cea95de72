// optim.SGD(model.parameters(), { lr }) and optim.Adam, on top of tf.train's optimizers.
// PyTorch's three steps map onto TensorFlow.js like this:
//   optimizer.zero_grad()  — nothing to do: tf.variableGrads computes fresh gradients every time
//   loss.backward()        — tf.variableGrads(() => loss, params) returns { value, grads }
//   optimizer.step()       — optimizer.step(grads) (tf's applyGradients)
import * as tf from "@tensorflow/tfjs";

/** An optimizer's own state (momentum, Adam's moments) is freed once nothing refers to the optimizer (see nn.ts). */
const freedWithOptimizer = new FinalizationRegistry<tf.Optimizer>((impl) => impl.dispose());

export class Optimizer {
  constructor(readonly params: tf.Variable[], readonly impl: tf.Optimizer, readonly description: string) {
    freedWithOptimizer.register(this, impl, impl);
  }
  /** Updates every parameter from its gradient and disposes the gradients. */
  step(grads: tf.NamedTensorMap): void {
    this.impl.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  dispose(): void {
    freedWithOptimizer.unregister(this.impl);
    this.impl.dispose();
  }
  toString(): string {
    return this.description;
  }
}

/** W ← W − lr·v, v ← momentum·v + ∇W  (PyTorch's SGD, dampening 0). */
export function SGD(params: tf.Variable[], opts: { lr: number; momentum?: number }): Optimizer {
  const m = opts.momentum ?? 0;
  const impl = m > 0 ? tf.train.momentum(opts.lr, m) : tf.train.sgd(opts.lr);
  return new Optimizer(params, impl, `SGD(lr=${opts.lr}${m ? `, momentum=${m}` : ""})`);
}

/** Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8). */
export function Adam(params: tf.Variable[], opts: { lr?: number; betas?: [number, number]; eps?: number } = {}): Optimizer {
  const lr = opts.lr ?? 1e-3;
  const [b1, b2] = opts.betas ?? [0.9, 0.999];
  return new Optimizer(params, tf.train.adam(lr, b1, b2, opts.eps ?? 1e-8), `Adam(lr=${lr})`);
}

/** The optimizers that can be chosen by name (experiment({ optimizer: "sgd" })). */
export const OPTIMIZER_NAMES = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * An optimizer from its name, checked at run time so that a plain string (`optimizer: "sgd"`) compiles.
 * Case does not matter ("SGD", "Adam"). Default learning rates: sgd 0.1, adam 1e-3.
 */
export function byName(name: string, params: tf.Variable[], opts: { lr?: number; momentum?: number } = {}): Optimizer {
  const key = typeof name === "string" ? name.trim().toLowerCase() : name;
  if (key === "sgd") return SGD(params, { lr: opts.lr ?? 0.1, momentum: opts.momentum });
  if (key === "adam") {
    if (opts.momentum) throw new Error(`optimizer "adam" に momentum は指定できません (momentum は "sgd" の設定です) / momentum applies to "sgd" only`);
    return Adam(params, { lr: opts.lr ?? 1e-3 });
  }
  const allowed = OPTIMIZER_NAMES.map((n) => `"${n}"`).join(", ");
  throw new Error(`optimizer ${JSON.stringify(name)} は使えません。使える名前: ${allowed} / unknown optimizer ${JSON.stringify(name)}; allowed: ${allowed}`);
}
