// What a student's model computes, for the checkers whose answer is a model or an experiment() run: which modules
// its forward pass really calls one after another (traceForward in nn.ts), whether what a module returns reaches the
// output, and whether the model draws anything random in training mode (dropout). A field that is declared but
// never called, or called and thrown away, counts for nothing. Nothing here changes the model: its mode, weights,
// batch-norm statistics and the library's random generator are as they were afterwards.
import * as tf from "@tensorflow/tfjs";
import { inEvalMode, traceForward, type Module, type TracedCall } from "../nn";
import { globalRandom } from "../random";
import { allModules } from "./common";

/** The calls of the modules that are instances of one of `kinds`, in call order (one eval-mode pass on zeros). */
export function callsOf(model: Module, inputShape: number[], kinds: Function[]): TracedCall[] {
  const watch = allModules(model)
    .filter((m) => m !== model && kinds.some((k) => m instanceof k))
    .map((m, i): [string, Module] => [nameOf(model, m) ?? `#${i}`, m]);
  return traceForward(model, [1, ...inputShape], dedupe(watch)).calls;
}

/** The path of `m` inside `model` ("conv1", "layers.3"), or null. */
export function nameOf(model: Module, m: Module, prefix = ""): string | null {
  for (const [n, k] of model.named_children()) {
    if (k === m) return prefix + n;
    const inner = nameOf(k, m, `${prefix}${n}.`);
    if (inner) return inner;
  }
  return null;
}

/** A module reached by two paths is watched once (its forward is wrapped once). */
function dedupe(watch: [string, Module][]): [string, Module][] {
  const seen = new Set<Module>();
  return watch.filter(([, m]) => !seen.has(m) && !!seen.add(m));
}

/** Runs `f` while `m.forward` returns `replace(its output)`; the forward it had (its own or its class's) is put back. */
function withForward<T>(m: Module, replace: (y: tf.Tensor) => tf.Tensor, f: () => T): T {
  const own = Object.prototype.hasOwnProperty.call(m, "forward");
  const orig = m.forward;
  m.forward = (x: tf.Tensor) => replace(orig.call(m, x));
  try {
    return f();
  } finally {
    if (own) m.forward = orig;
    else delete (m as { forward?: unknown }).forward;
  }
}

/** Two outputs differ by more than rounding (1e-6 of their size): the same pass twice may round differently on many threads. */
const differ = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] > 1e-6 * Math.max(1, tf.max(tf.abs(a)).dataSync()[0]));

/**
 * Whether what `m` returns reaches the model's output, in eval mode on the images `x`: the output changes when m's
 * result is replaced by 1 − result (a constant added to the logits would vanish in log_softmax; 1 − y does not).
 */
export function reachesOutput(model: Module, m: Module, x: tf.Tensor): boolean {
  return inEvalMode(model, () =>
    tf.tidy(() => {
      const before = model.forward(x);
      const after = withForward(m, (y) => tf.sub(1, y), () => model.forward(x));
      return differ(before, after);
    }),
  );
}

/**
 * Whether the model draws something random in training mode: two training-mode passes over the same images give
 * different outputs (dropout applied), and whether it does in eval mode too (dropout left on at test time).
 * Batch-norm statistics, the mode and the library's random generator are restored.
 */
export function randomness(model: Module, x: tf.Tensor): { training: boolean; eval: boolean } {
  const buffers = model.named_buffers().map(([, v]) => [v, tf.clone(v)] as const);
  const generator = globalRandom() as unknown as Record<string, unknown>;
  const state = { ...generator };
  const wasTraining = model.training;
  try {
    model.train(true);
    const training = tf.tidy(() => differ(model.forward(x), model.forward(x)));
    model.train(false);
    const evalMode = tf.tidy(() => differ(model.forward(x), model.forward(x)));
    return { training, eval: evalMode };
  } finally {
    model.train(wasTraining);
    for (const [v, saved] of buffers) {
      v.assign(saved);
      saved.dispose();
    }
    Object.assign(generator, state);
  }
}

/** The first `n` images of a data set as one batch (for the checks above). */
export function sampleImages(data: { length: number; batch(indices: ArrayLike<number>): [tf.Tensor, tf.Tensor] }, n = 16): tf.Tensor {
  const [x, y] = data.batch(Array.from({ length: Math.min(n, data.length) }, (_, i) => i));
  y.dispose();
  return x;
}
