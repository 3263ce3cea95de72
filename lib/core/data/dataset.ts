// A dataset of small images held in memory as bytes (MNIST: 60,000 × 28 × 28 × 1 bytes = 47 MB).
// Tensors are made per batch, so memory stays small and nothing outlives its batch.
import * as tf from "@tensorflow/tfjs";
import { Random } from "../random";
import type { Transform } from "./transforms";

/** Changes one image (H×W×C bytes) in place or returns a new one; used for data augmentation. */
export type Augment = (image: Uint8Array, shape: [number, number, number], rng: Random) => Uint8Array;

export class ImageDataset {
  constructor(
    /** N × H × W × C bytes, image after image */
    readonly images: Uint8Array,
    /** N class indices */
    readonly labels: Uint8Array,
    /** [H, W, C] of one image */
    readonly shape: [number, number, number],
    readonly transform?: Transform,
    readonly classes?: string[],
    readonly augment?: Augment,
  ) {
    const per = shape[0] * shape[1] * shape[2];
    if (images.length !== labels.length * per) {
      throw new Error(`ImageDataset: ${labels.length} labels but ${images.length / per} images`);
    }
  }

  get length(): number {
    return this.labels.length;
  }

  /** Bytes of image i (a view, not a copy). */
  image(i: number): Uint8Array {
    const per = this.shape[0] * this.shape[1] * this.shape[2];
    return this.images.subarray(i * per, (i + 1) * per);
  }

  /** The examples at `indices` (or the first n) as a new dataset, e.g. 1,000 images to provoke over-fitting. */
  subset(indices: ArrayLike<number> | number): ImageDataset {
    const idx = typeof indices === "number" ? Array.from({ length: Math.min(indices, this.length) }, (_, i) => i) : Array.from(indices);
    const per = this.shape[0] * this.shape[1] * this.shape[2];
    const images = new Uint8Array(idx.length * per);
    const labels = new Uint8Array(idx.length);
    idx.forEach((src, k) => {
      if (!(src >= 0 && src < this.length)) throw new Error(`subset: index ${src} outside 0..${this.length - 1}`);
      images.set(this.image(src), k * per);
      labels[k] = this.labels[src];
    });
    return new ImageDataset(images, labels, this.shape, this.transform, this.classes, this.augment);
  }

  /** The same examples with another transform (or augmentation). */
  with(opts: { transform?: Transform; augment?: Augment | undefined }): ImageDataset {
    return new ImageDataset(
      this.images,
      this.labels,
      this.shape,
      "transform" in opts ? opts.transform : this.transform,
      this.classes,
      "augment" in opts ? opts.augment : this.augment,
    );
  }

  /** [input [B,H,W,C] after the transform, target [B] int32] for the examples at `indices`. */
  batch(indices: ArrayLike<number>, rng?: Random): [tf.Tensor, tf.Tensor1D] {
    const [h, w, c] = this.shape;
    const per = h * w * c;
    const pixels = new Float32Array(indices.length * per);
    const targets = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      let img = this.image(indices[k]);
      if (this.augment) img = this.augment(Uint8Array.from(img), this.shape, rng ?? new Random(indices[k]));
      pixels.set(img, k * per);
      targets[k] = this.labels[indices[k]];
    }
    return tf.tidy(() => {
      const raw = tf.tensor4d(pixels, [indices.length, h, w, c]);
      const input = this.transform ? this.transform(raw) : raw;
      return [input, tf.tensor1d(targets, "int32")] as [tf.Tensor, tf.Tensor1D];
    });
  }
}
