// torch.nn.functional: the loss the lecture uses (activations are TensorFlow.js's own: tf.relu, tf.sigmoid, tf.logSoftmax).
import * as tf from "@tensorflow/tfjs";

/**
 * F.nll_loss(output, target): the mean over the batch of -output[i, target[i]], where `output`
 * holds log-probabilities (log_softmax). With log_softmax this is the cross-entropy loss.
 */
export function nll_loss(output: tf.Tensor, target: tf.Tensor, reduction: "mean" | "sum" = "mean"): tf.Scalar {
  if (output.rank !== 2) throw new Error(`nll_loss: output must be [N, classes], got [${output.shape}]`);
  if (target.rank !== 1 || target.shape[0] !== output.shape[0]) {
    throw new Error(`nll_loss: target must be [N] = [${output.shape[0]}] class indices, got [${target.shape}]`);
  }
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.oneHot(tf.cast(target, "int32") as tf.Tensor1D, output.shape[1] as number), output), 1);
    return (reduction === "mean" ? tf.neg(tf.mean(picked)) : tf.neg(tf.sum(picked))) as tf.Scalar;
  });
}
