// The famous ImageNet architectures built from the library's modules (no trained weights): VGG16, GoogLeNet and
// ResNet-34, laid out as torchvision builds them (torchvision.models.vgg16 / googlenet / resnet34), so that their
// parameter counts are torchvision's: VGG16 138,357,544, GoogLeNet 6,624,904 (without the auxiliary heads; torchvision's
// Inception uses 3×3 where the paper's branch has 5×5, kept here to match), ResNet-34 21,797,672. Input NHWC [N, 224, 224, 3], output log-probabilities
// of the 1,000 ImageNet classes ([N, 1000]; torchvision gives the logits, here LogSoftmax is added for nll_loss,
// and it has no parameters).
import * as tf from "@tensorflow/tfjs";
import { AdaptiveAvgPool2d, LogSoftmax, Residual } from "./layers";
import { BatchNorm, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from "./nn";
import { globalRandom } from "./random";

let nextId = 0;

/** nn.Conv2d(in, out, k, stride, padding, bias=False): a convolution without bias (ResNet's, followed by batch norm). */
export class Conv2dNoBias extends Module {
  weight: tf.Variable; // [kh, kw, in, out]
  constructor(readonly in_channels: number, readonly out_channels: number, readonly kernel_size: number, readonly stride = 1, readonly padding = 0) {
    super();
    const bound = 1 / Math.sqrt(in_channels * kernel_size * kernel_size);
    const shape = [kernel_size, kernel_size, in_channels, out_channels];
    const n = shape.reduce((a, b) => a * b, 1);
    this.weight = this.owns(tf.tidy(() => tf.variable(tf.tensor(globalRandom().uniform(n, -bound, bound), shape), true, `conv_nb_w_${nextId++}`)));
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return [["weight", this.weight]];
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const p = this.padding;
    const input = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
    return tf.conv2d(input as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, "valid");
  }
}

/**
 * nn.MaxPool2d(kernel_size, stride, padding, ceil_mode): the padding is −∞, so it never wins the maximum (as PyTorch);
 * ceil_mode rounds the output size up (⌈(H + 2p − k)/s⌉ + 1) by padding the bottom and right with −∞ as well.
 */
export class MaxPool2dPadded extends Module {
  constructor(readonly kernel_size: number, readonly stride: number, readonly padding: number, readonly ceil_mode = false) {
    super();
  }
  private extra(n: number): number {
    if (!this.ceil_mode) return 0;
    const k = this.kernel_size, s = this.stride, p = this.padding;
    let out = Math.ceil((n + 2 * p - k) / s) + 1;
    if ((out - 1) * s >= n + p) out--; // PyTorch: the last window must start inside the input or the left padding
    return Math.max(0, (out - 1) * s + k - (n + 2 * p));
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const p = this.padding;
    const eh = this.extra(x.shape[1] as number), ew = this.extra(x.shape[2] as number);
    const input = p > 0 || eh > 0 || ew > 0 ? tf.pad(x, [[0, 0], [p, p + eh], [p, p + ew], [0, 0]], -Infinity) : x;
    return tf.maxPool(input as tf.Tensor4D, this.kernel_size, this.stride, "valid");
  }
}

/** VGG16 (configuration D, Simonyan & Zisserman 2014): 13 convolutions 3×3 and 3 fully connected layers. */
export function vgg16(num_classes = 1000): Sequential {
  const cfg: (number | "M")[] = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"];
  const features: Module[] = [];
  let c = 3;
  for (const v of cfg) {
    if (v === "M") features.push(new MaxPool2d(2, 2));
    else {
      features.push(new Conv2d(c, v, 3, { padding: 1 }), new ReLU());
      c = v;
    }
  }
  return new Sequential(
    new Sequential(...features),
    new AdaptiveAvgPool2d(7),
    new Flatten(),
    new Sequential(new Linear(512 * 7 * 7, 4096), new ReLU(), new Dropout(0.5), new Linear(4096, 4096), new ReLU(), new Dropout(0.5), new Linear(4096, num_classes)),
    new LogSoftmax(),
  );
}

/** ResNet's BasicBlock: ReLU(shortcut(x) + BN(conv3×3(ReLU(BN(conv3×3(x)))))), the shortcut a 1×1 convolution + BN when the shape changes. */
export function basicBlock(in_channels: number, out_channels: number, stride = 1): Residual {
  const body = new Sequential(
    new Conv2dNoBias(in_channels, out_channels, 3, stride, 1),
    new BatchNorm(out_channels),
    new ReLU(),
    new Conv2dNoBias(out_channels, out_channels, 3, 1, 1),
    new BatchNorm(out_channels),
  );
  const shortcut = stride !== 1 || in_channels !== out_channels ? new Sequential(new Conv2dNoBias(in_channels, out_channels, 1, stride, 0), new BatchNorm(out_channels)) : null;
  return new Residual(body, shortcut, new ReLU());
}

/** ResNet-34 (He et al. 2015): a 7×7 convolution, 16 BasicBlocks in 4 stages [3, 4, 6, 3] of 64…512 channels, global average pooling, fc. */
export function resnet34(num_classes = 1000): Sequential {
  const stages: Module[] = [];
  let c = 64;
  [[64, 3], [128, 4], [256, 6], [512, 3]].forEach(([out, blocks], i) => {
    const stage: Module[] = [];
    for (let b = 0; b < blocks; b++) {
      stage.push(basicBlock(c, out, b === 0 && i > 0 ? 2 : 1));
      c = out;
    }
    stages.push(new Sequential(...stage));
  });
  return new Sequential(
    new Conv2dNoBias(3, 64, 7, 2, 3),
    new BatchNorm(64),
    new ReLU(),
    new MaxPool2dPadded(3, 2, 1),
    ...stages,
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(512, num_classes),
    new LogSoftmax(),
  );
}

/** torchvision's BasicConv2d of GoogLeNet: convolution without bias, batch norm (eps 0.001), ReLU. */
export function basicConv2d(in_channels: number, out_channels: number, kernel_size: number, stride = 1, padding = 0): Sequential {
  return new Sequential(new Conv2dNoBias(in_channels, out_channels, kernel_size, stride, padding), new BatchNorm(out_channels, 0.001), new ReLU());
}

/**
 * The Inception module (Szegedy et al. 2014): four branches side by side, their outputs joined along the channels:
 * 1×1 | 1×1 → 3×3 | 1×1 → 3×3 (the paper: 5×5; torchvision: 3×3) | 3×3 max pooling → 1×1.
 */
export class Inception extends Module {
  branch1: Module;
  branch2: Module;
  branch3: Module;
  branch4: Module;
  constructor(in_channels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, pool_proj: number) {
    super();
    this.branch1 = basicConv2d(in_channels, ch1x1, 1);
    this.branch2 = new Sequential(basicConv2d(in_channels, ch3x3red, 1), basicConv2d(ch3x3red, ch3x3, 3, 1, 1));
    this.branch3 = new Sequential(basicConv2d(in_channels, ch5x5red, 1), basicConv2d(ch5x5red, ch5x5, 3, 1, 1));
    this.branch4 = new Sequential(new MaxPool2dPadded(3, 1, 1, true), basicConv2d(in_channels, pool_proj, 1));
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return tf.concat([this.branch1, this.branch2, this.branch3, this.branch4].map((b) => b.forward(x)), 3);
  }
}

/** GoogLeNet (Inception v1) as torchvision.models.googlenet(aux_logits=False): 9 Inception modules, global average pooling, fc. */
export function googlenet(num_classes = 1000): Sequential {
  const pool = (k: number) => new MaxPool2dPadded(k, 2, 0, true);
  return new Sequential(
    basicConv2d(3, 64, 7, 2, 3),
    pool(3),
    basicConv2d(64, 64, 1),
    basicConv2d(64, 192, 3, 1, 1),
    pool(3),
    new Inception(192, 64, 96, 128, 16, 32, 32), // 3a
    new Inception(256, 128, 128, 192, 32, 96, 64), // 3b
    pool(3),
    new Inception(480, 192, 96, 208, 16, 48, 64), // 4a
    new Inception(512, 160, 112, 224, 24, 64, 64), // 4b
    new Inception(512, 128, 128, 256, 24, 64, 64), // 4c
    new Inception(512, 112, 144, 288, 32, 64, 64), // 4d
    new Inception(528, 256, 160, 320, 32, 128, 128), // 4e
    pool(2),
    new Inception(832, 256, 160, 320, 32, 128, 128), // 5a
    new Inception(832, 384, 192, 384, 48, 128, 128), // 5b
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Dropout(0.2),
    new Linear(1024, num_classes),
    new LogSoftmax(),
  );
}
