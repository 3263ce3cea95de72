// torch.nn.init: filling a weight tensor in place (nn.init.kaiming_uniform_, nn.init.zeros_), drawn from the seeded
// global generator (manualSeed). Layouts as in nn.ts: Linear.weight [in, out], Conv2d.weight [kh, kw, in, out], so
// fan_in (the inputs that feed one output: in, or kh·kw·in) is the tensor's size over its last axis.
import * as tf from "@tensorflow/tfjs";
import { globalRandom } from "./random";

/** The inputs that feed one output of a weight tensor (its size over the last axis, the outputs). */
function fanIn(w: tf.Variable): number {
  if (w.rank < 2) throw new Error(`nn.init: 重み (2 軸以上) を渡してください。shape [${w.shape}] の bias には nn.init.zeros_ を使います / needs a weight with two or more axes, got shape [${w.shape}]`);
  return w.size / w.shape[w.rank - 1];
}

/**
 * He (Kaiming) initialization, PyTorch's nn.init.kaiming_uniform_(w, a, nonlinearity): U(−b, b) with
 * b = gain·√(3 / fan_in), gain = √2 for "relu" (and for "leaky_relu" with a = 0, PyTorch's default), so that the
 * variance is 2 / fan_in: a signal keeps its size through ReLU layers (He et al. 2015).
 */
export function kaiming_uniform_(w: tf.Variable, options: { a?: number; nonlinearity?: "relu" | "leaky_relu" } = {}): tf.Variable {
  const a = options.nonlinearity === "relu" ? 0 : options.a ?? 0;
  const bound = Math.sqrt(6 / ((1 + a * a) * fanIn(w))); // gain·√(3 / fan_in), gain² = 2 / (1 + a²)
  tf.tidy(() => w.assign(tf.tensor(globalRandom().uniform(w.size, -bound, bound), w.shape)));
  return w;
}

/** nn.init.zeros_(t): every element 0. */
export function zeros_(t: tf.Variable): tf.Variable {
  tf.tidy(() => t.assign(tf.zerosLike(t)));
  return t;
}
