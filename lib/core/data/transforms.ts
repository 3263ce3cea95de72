// transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (1.0,))]) in TypeScript.
// A transform maps a batch of images [N, H, W, C] holding raw pixel values 0..255 to the tensor
// the model sees. (PyTorch's ToTensor also moves channels first; TensorFlow.js keeps them last.)
import * as tf from "@tensorflow/tfjs";

export type Transform = (x: tf.Tensor) => tf.Tensor;

/** uint8 pixels 0..255 → float32 in [0, 1]. */
export function ToTensor(): Transform {
  return (x) => tf.div(tf.cast(x, "float32"), 255);
}

/** (x - mean) / std per channel (the last axis). Normalize([0.5], [1.0]) maps [0, 1] to [-0.5, 0.5]. */
export function Normalize(mean: number[], std: number[]): Transform {
  if (mean.length !== std.length || mean.length === 0) {
    throw new Error(`Normalize: mean has ${mean.length} values and std ${std.length}; give one of each per channel, e.g. Normalize([0.5], [1.0])`);
  }
  if (std.some((s) => !(s > 0))) throw new Error(`Normalize: std must be positive, got [${std.join(", ")}]`);
  return (x) => {
    const channels = x.shape[x.shape.length - 1];
    if (mean.length !== 1 && mean.length !== channels) {
      throw new Error(`Normalize: ${mean.length} means for images with ${channels} channels`);
    }
    return tf.div(tf.sub(x, tf.tensor1d(mean)), tf.tensor1d(std));
  };
}

/** Applies transforms left to right. */
export function Compose(transforms: Transform[]): Transform {
  return (x) => tf.tidy(() => transforms.reduce((acc, t) => t(acc), x));
}
