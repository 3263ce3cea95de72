// The lecture's two networks. Shapes in comments are for a batch of N MNIST images.
import * as tf from "@tensorflow/tfjs";
import { BatchNorm, Conv2d, Dropout, Linear, MaxPool2d, Module } from "./nn";

/** 「MNIST数字認識コード(2)」: the fully connected network 784 → 784 → 784 → 10 with sigmoid. */
export class Net extends Module {
  l1 = new Linear(784, 784); // 28 x 28 = 784 次元の入力
  l2 = new Linear(784, 784);
  l3 = new Linear(784, 10);
  drop?: Dropout;
  bn1?: BatchNorm;
  bn2?: BatchNorm;

  /** dropout: rate after each hidden layer (0 = none); batchNorm: normalize each hidden layer. */
  constructor(opts: { dropout?: number; batchNorm?: boolean } = {}) {
    super();
    if (opts.batchNorm) {
      this.bn1 = new BatchNorm(784);
      this.bn2 = new BatchNorm(784);
    }
    if (opts.dropout) this.drop = new Dropout(opts.dropout);
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const d = (h: tf.Tensor) => (this.drop ? this.drop.forward(h) : h);
    const bn = (b: BatchNorm | undefined, h: tf.Tensor) => (b ? b.forward(h) : h);
    if (x.rank > 2) x = tf.reshape(x, [-1, 28 * 28]); // x.view(-1, 28*28): [N, 28, 28, 1] → [N, 784]
    x = d(tf.sigmoid(bn(this.bn1, this.l1.forward(x)))); // [N, 784]
    x = d(tf.sigmoid(bn(this.bn2, this.l2.forward(x)))); // [N, 784]
    x = this.l3.forward(x); // [N, 10]
    return tf.logSoftmax(x, 1); // log-probabilities of the digits 0-9
  }
}

export interface ConvNetOptions {
  /** チャネル数 of conv1 and conv2 (the slide: [32, 64]); any array of two positive integers, checked at run time */
  channels?: number[];
  /** kernel size of both convolutions (the slide: 3) */
  kernel?: number;
  /** fc1's width (the slide: 128) */
  hidden?: number;
  /** dropout rates: after pooling, and after fc1 (PyTorch's MNIST example uses [0.25, 0.5]); two numbers in [0, 1) */
  dropout?: number[];
  /** batch normalization after each convolution */
  batchNorm?: boolean;
}

/** Checks a two-number option at run time (TypeScript lets `number[]` through so that loops over arrays compile). */
function pair(v: unknown, name: string, ja: string, ok: (x: number) => boolean, what: string, example: string): [number, number] {
  const shown = JSON.stringify(v);
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && ok(x))) {
    throw new Error(`ConvNet: ${name} には${ja} (${what}) を 2 つ並べた配列を渡してください。例: { ${name}: ${example} } (今は ${shown}) / ${name} must be an array of two numbers, e.g. ${example}`);
  }
  return [v[0], v[1]];
}

/** 「PyTorchで畳み込みNN」: conv 1→32 3×3, conv 32→64 3×3, max-pool 2, fc 9216→128, fc 128→10. */
export class ConvNet extends Module {
  conv1: Conv2d;
  bn1?: BatchNorm;
  conv2: Conv2d;
  bn2?: BatchNorm;
  pool = new MaxPool2d(2, 2);
  drop1?: Dropout;
  fc1: Linear;
  drop2?: Dropout;
  fc2: Linear;
  readonly flat: number;

  constructor(opts: ConvNetOptions = {}) {
    super();
    const [c1, c2] = pair(opts.channels ?? [32, 64], "channels", "conv1 と conv2 の出力チャネル数", (v) => Number.isInteger(v) && v > 0, "正の整数", "[32, 64]");
    if (opts.dropout !== undefined) pair(opts.dropout, "dropout", "プーリングの後と fc1 の後のドロップアウト率", (v) => v >= 0 && v < 1, "0 以上 1 未満の数", "[0.25, 0.5]");
    const k = opts.kernel ?? 3;
    if (!Number.isInteger(k) || k < 1 || k > 13) throw new Error(`ConvNet: kernel は 1〜13 の整数にしてください (今は ${k}) / kernel must be an integer from 1 to 13`);
    const side = Math.floor((28 - 2 * (k - 1)) / 2); // 28 → 26 → 24 → 12 for k = 3
    this.flat = side * side * c2;
    this.conv1 = new Conv2d(1, c1, k); // 28x28x1 -> 26x26x32
    if (opts.batchNorm) this.bn1 = new BatchNorm(c1);
    this.conv2 = new Conv2d(c1, c2, k); // 26x26x32 -> 24x24x64
    if (opts.batchNorm) this.bn2 = new BatchNorm(c2);
    if (opts.dropout?.[0]) this.drop1 = new Dropout(opts.dropout[0]);
    this.fc1 = new Linear(this.flat, opts.hidden ?? 128); // 12*12*64 = 9216 -> 128
    if (opts.dropout?.[1]) this.drop2 = new Dropout(opts.dropout[1]);
    this.fc2 = new Linear(opts.hidden ?? 128, 10);
  }

  override forward(x: tf.Tensor): tf.Tensor {
    const opt = (m: Module | undefined, h: tf.Tensor) => (m ? m.forward(h) : h);
    x = tf.relu(opt(this.bn1, this.conv1.forward(x))); // 第1畳み込み層 [N, 26, 26, 32]
    x = tf.relu(opt(this.bn2, this.conv2.forward(x))); // 第2畳み込み層 [N, 24, 24, 64]
    x = this.pool.forward(x); // プーリング層 [N, 12, 12, 64]
    x = opt(this.drop1, x);
    x = tf.reshape(x, [-1, this.flat]); // x.view(-1, 12 * 12 * 64) → [N, 9216]
    x = tf.relu(this.fc1.forward(x)); // 全結合層 1 [N, 128]
    x = opt(this.drop2, x);
    x = this.fc2.forward(x); // 全結合層 2 [N, 10]
    return tf.logSoftmax(x, 1);
  }
}
