// torch.utils.data.DataLoader in TypeScript:
//   const train_loader = new DataLoader({ dataset: train_set, batch_size: 100, shuffle: true });
//   for await (const [input, target] of train_loader) { ... }
// Each batch is disposed when the next one is taken (or the loop ends), so a training loop leaks
// nothing; keep a batch beyond its iteration with tf.clone(). `for await` also lets the notebook
// redraw its progress line between batches and stop at Kernel > Interrupt.
import * as tf from "@tensorflow/tfjs";
import { KeyboardInterrupt } from "../errors";
import { InterruptWatch } from "../interrupt";
import { Random, globalRandom } from "../random";
import type { ImageDataset } from "./dataset";

/** Lets the event loop run once: setImmediate where there is one (Node), else a 0 ms timer (a browser). */
export function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** What a DataLoader needs of a dataset: its size and a batch of examples (an ImageDataset, or e.g. precomputed features). */
export type BatchSource = Pick<ImageDataset, "length" | "batch">;

export interface DataLoaderOptions {
  dataset: BatchSource;
  batch_size: number;
  /** a new random order every epoch */
  shuffle?: boolean;
  /** seed of the shuffle order; default: drawn from the global generator (manualSeed) */
  seed?: number;
  /** drop the last batch when it is smaller than batch_size */
  drop_last?: boolean;
  /** give inputs as [B, H·W·C] (for a fully connected model) instead of [B, H, W, C] */
  flatten?: boolean;
}

export type Batch = [tf.Tensor, tf.Tensor1D];

export class DataLoader implements Iterable<Batch>, AsyncIterable<Batch> {
  readonly dataset: BatchSource;
  readonly batch_size: number;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly flatten: boolean;
  private readonly rng: Random;

  constructor(opts: DataLoaderOptions) {
    if (!Number.isInteger(opts.batch_size) || opts.batch_size < 1) {
      throw new Error(`DataLoader: batch_size must be a positive integer, got ${opts.batch_size}`);
    }
    this.dataset = opts.dataset;
    this.batch_size = opts.batch_size;
    this.shuffle = opts.shuffle ?? false;
    this.drop_last = opts.drop_last ?? false;
    this.flatten = opts.flatten ?? false;
    this.rng = new Random(opts.seed ?? globalRandom().seed());
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batch_size;
    return this.drop_last ? Math.floor(n) : Math.ceil(n);
  }

  /** The order of one epoch (draws a new permutation when shuffling). */
  private order(): Int32Array {
    if (this.shuffle) return this.rng.permutation(this.dataset.length);
    return Int32Array.from({ length: this.dataset.length }, (_, i) => i);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const order = this.order();
    const batches = this.length;
    let last: Batch | null = null;
    try {
      for (let b = 0; b < batches; b++) {
        if (last) tf.dispose(last);
        last = this.dataset.batch(order.subarray(b * this.batch_size, (b + 1) * this.batch_size), this.rng);
        if (this.flatten) {
          const [input, target] = last;
          last = [tf.reshape(input, [input.shape[0], -1]), target];
          input.dispose();
        }
        yield last;
      }
    } finally {
      if (last) tf.dispose(last);
    }
  }

  /**
   * Like the synchronous loop, but it lets the kernel work between batches (display updates, Kernel >
   * Interrupt). After an interrupt the next batch is not taken: the loop throws KeyboardInterrupt, whose
   * `batches` says how many batches were handed out before it.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const watch = new InterruptWatch();
    let b = 0;
    for (const batch of this) {
      await nextTurn(); // let the kernel send display updates and see signals
      if (watch.interrupted) throw new KeyboardInterrupt(`中断しました (batch ${b}/${this.length})`, b);
      b += 1;
      yield batch;
    }
  }
}
