// MobileNet v1 (width 0.25, 224×224 input) with ImageNet weights, as a TensorFlow.js layers model: the network, its
// top-k, the frozen base for transfer learning and the 01 notebook's top-5 rows, built from the files' bytes. Where
// the bytes come from is the platform's: lib/node/mobilenet.ts (the cache, the mirror folder or Google's storage,
// md5-checked) and lib/browser/mobilenet.ts (the site's data/ folder).
//   const net = await mobilenet.load({ download: true });
//   const top5 = net.classify(val_set, [0, 1, 2]);          // the 5 most probable of the 1000 classes, with probabilities
//   const base = net.cut();                                 // up to global average pooling: 256 features per image
// Inputs are 224×224 RGB photos normalized to [-1, 1] (data/images.ts: mobilenetNormalize()).
import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "./data/dataset";
import { jpegDataUri } from "./data/images";
import { show } from "./display";
import { IMAGENET_CLASSES } from "./imagenet-classes";
import { Module } from "./nn";
import { barChart, Figure, figureBundle } from "./plot";
import { Random } from "./random";

export { IMAGENET_CLASSES };

/** The folder of the 56 files (model.json and 55 weight shards, 1.9 MB) in the cache, the mirror and the site's data/. */
export const MOBILENET_FOLDER = "mobilenet_v1_0.25_224";
/** The layer at which cut() ends by default: global average pooling (256 features). */
export const GAP_LAYER = "global_average_pooling2d_1";

export interface Prediction {
  /** class index 0..999 */
  index: number;
  /** the class's first name (e.g. "ant"); IMAGENET_CLASSES[index] has all its synonyms */
  name: string;
  prob: number;
}

/** A layers model used as a lecture3 Module, so that fit()/evaluate() can train it; only its trainable weights are parameters. */
export class LayersModule extends Module {
  constructor(
    readonly model: tf.LayersModel,
    /** put log_softmax on the output (for nll_loss) */
    readonly logSoftmax = false,
    /** batch normalization uses the batch's statistics in train() (true), or always its moving averages (false: the usual choice when fine-tuning a pretrained network on few images) */
    readonly batchStatsInTraining = true,
  ) {
    super();
  }
  override forward(x: tf.Tensor): tf.Tensor {
    const y = this.model.apply(x, { training: this.training && this.batchStatsInTraining }) as tf.Tensor;
    return this.logSoftmax ? tf.logSoftmax(y, 1) : y;
  }
  protected override ownParameters(): [string, tf.Variable][] {
    return this.model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]);
  }
  protected override ownBuffers(): [string, tf.Variable][] {
    return this.model.nonTrainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]);
  }
  override dispose(): void {
    this.model.dispose();
  }
}

/** The pretrained network and its 1000 class names. */
export class MobileNet {
  constructor(
    readonly model: tf.LayersModel,
    readonly classes: readonly string[] = IMAGENET_CLASSES,
    /** files read, for the notebook to say where the weights came from */
    readonly files: string[] = [],
  ) {}

  /** Class probabilities [N, 1000] of images [N, 224, 224, 3] normalized to [-1, 1]. */
  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(this.model.predict(x) as tf.Tensor, [x.shape[0], -1]) as tf.Tensor2D);
  }

  /** The k most probable classes of one probability vector. */
  topK(probs: ArrayLike<number>, k = 5): Prediction[] {
    const idx = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
    return idx.slice(0, k).map((i) => ({ index: i, name: this.classes[i].split(",")[0], prob: probs[i] }));
  }

  /** The top k of every image of `dataset` (default: all, in order), in mini-batches of `batch`. The dataset's transform must give [-1, 1]. */
  classify(dataset: ImageDataset, indices?: number[], k = 5, batch = 32): Prediction[][] {
    const idx = indices ?? Array.from({ length: dataset.length }, (_, i) => i);
    const out: Prediction[][] = [];
    for (let s = 0; s < idx.length; s += batch) {
      const probs = tf.tidy(() => {
        const [x, y] = dataset.batch(idx.slice(s, s + batch));
        y.dispose();
        return this.predict(x).arraySync();
      });
      for (const p of probs) out.push(this.topK(p, k));
    }
    return out;
  }

  /**
   * The network up to layer `last` (default: global average pooling, 256 features per image): the frozen
   * convolutional base for transfer learning. It shares its weights with this network.
   */
  cut(last = GAP_LAYER): tf.LayersModel {
    return tf.model({ inputs: this.model.inputs, outputs: this.model.getLayer(last).output as tf.SymbolicTensor, name: `mobilenet_to_${last}` });
  }

  /**
   * The layers from `first` to `last` (default: global average pooling) as a model of their own, taking what the
   * layer before `first` outputs. Shares its weights with this network: training it changes this network.
   */
  slice(first: string, last = GAP_LAYER): tf.LayersModel {
    const layers = this.model.layers;
    const i = layers.findIndex((l) => l.name === first);
    const j = layers.findIndex((l) => l.name === last);
    if (i < 1 || j < i) throw new Error(`MobileNet.slice: no layers from "${first}" to "${last}" (layer names: ${layers.map((l) => l.name).join(", ")})`);
    const inShape = (layers[i - 1].outputShape as number[]).slice(1);
    const input = tf.input({ shape: inShape });
    let h: tf.SymbolicTensor = input;
    for (const l of layers.slice(i, j + 1)) h = l.apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: h, name: `mobilenet_${first}_to_${last}` });
  }

  /** The number of parameters (weights) of the whole network. */
  countParams(): number {
    return this.model.countParams();
  }
}

/** A layers model from model.json and the weight shards it names, each file's bytes given by `read` (its name in the folder). */
export async function loadLayersModel(read: (name: string) => Uint8Array | Promise<Uint8Array>): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(await read("model.json")));
  const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const buffers: Uint8Array[] = [];
  for (const p of manifest.flatMap((g) => g.paths)) buffers.push(await read(p));
  const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of buffers) (weightData.set(b, at), (at += b.length));
  return tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }) });
}

/**
 * The architecture of `modelJson` (model.json's text) with fresh random weights (no ImageNet training), seeded:
 * convolution kernels He-uniform U(±√(6/fan_in)), biases 0, batch norm γ = 1, β = 0, moving mean 0 and variance 1.
 */
export async function untrainedModel(modelJson: string, seed = 0, bnMomentum = 0.9): Promise<tf.LayersModel> {
  const json = JSON.parse(modelJson);
  // Keras's batch norm keeps 99 % of its moving averages per step (momentum 0.99): after the few hundred steps of a
  // small data set they would still be mostly their initial values, and evaluation would use them. 0.9 by default here.
  for (const l of json.modelTopology.model_config.config.layers) {
    if (l.class_name === "BatchNormalization") l.config.momentum = bnMomentum;
  }
  const model = (await tf.models.modelFromJSON({ modelTopology: json.modelTopology })) as tf.LayersModel;
  const rng = new Random(seed);
  for (const w of model.weights) {
    const shape = w.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    const name = w.originalName;
    let values: Float32Array;
    if (/kernel/.test(name)) {
      // conv kernel [kh, kw, in, out]; depthwise kernel [kh, kw, channels, 1]: fan_in = kh·kw·in (depthwise: kh·kw)
      const fanIn = /depthwise/.test(name) ? shape[0] * shape[1] : shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const b = Math.sqrt(6 / fanIn);
      values = rng.uniform(n, -b, b);
    } else if (/gamma|moving_variance/.test(name)) values = new Float32Array(n).fill(1);
    else values = new Float32Array(n);
    tf.tidy(() => {
      w.write(tf.tensor(values, shape));
    });
  }
  return model;
}

// ---------------------------------------------------------------- features for transfer learning

/** Precomputed features (e.g. the frozen base's output) and labels, usable with DataLoader like an ImageDataset. */
export class FeatureDataset {
  constructor(
    /** N × (feature size) floats, example after example */
    readonly features: Float32Array,
    readonly labels: Uint8Array,
    /** shape of one example's features, e.g. [256] or [7, 7, 256] */
    readonly shape: number[],
    readonly classes?: string[],
  ) {
    const per = shape.reduce((a, b) => a * b, 1);
    if (features.length !== labels.length * per) throw new Error(`FeatureDataset: ${labels.length} labels but ${features.length / per} feature vectors`);
  }
  get length(): number {
    return this.labels.length;
  }
  /** [features [B, ...shape], target [B] int32] */
  batch(indices: ArrayLike<number>): [tf.Tensor, tf.Tensor1D] {
    const per = this.shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(indices.length * per);
    const y = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      x.set(this.features.subarray(indices[k] * per, (indices[k] + 1) * per), k * per);
      y[k] = this.labels[indices[k]];
    }
    return [tf.tensor(x, [indices.length, ...this.shape]), tf.tensor1d(y, "int32")];
  }
}

/** Runs `model` (e.g. net.cut()) once over every image of `dataset` (its transform applied) and keeps the outputs. */
export function extractFeatures(model: tf.LayersModel, dataset: ImageDataset, batch = 32): FeatureDataset {
  const parts: Float32Array[] = [];
  let shape: number[] = [];
  for (let s = 0; s < dataset.length; s += batch) {
    const idx = Array.from({ length: Math.min(batch, dataset.length - s) }, (_, i) => s + i);
    const f = tf.tidy(() => {
      const [x, y] = dataset.batch(idx);
      y.dispose();
      const out = model.predict(x) as tf.Tensor;
      shape = out.shape.slice(1) as number[];
      return out.dataSync() as Float32Array;
    });
    parts.push(new Float32Array(f));
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) all.set(p, o), (o += p.length);
  return new FeatureDataset(all, Uint8Array.from(dataset.labels), shape, dataset.classes);
}

// ---------------------------------------------------------------- showing predictions

/** A horizontal bar chart of one image's top-k probabilities (in %), the true class's bars in a second colour. */
export function topKFigure(preds: Prediction[], opts: { title?: string; highlight?: number[] } = {}): Figure {
  const fig = barChart(
    preds.map((p) => p.name),
    preds.map((p) => 100 * p.prob),
    { title: opts.title, xTitle: "確率 (%)", horizontal: true },
  );
  fig.data[0].marker = { color: preds.map((p) => (opts.highlight?.includes(p.index) ? "#d62728" : "#1f77b4")) };
  fig.data[0].text = preds.map((p) => `${(100 * p.prob).toFixed(1)} %`);
  fig.data[0].textposition = "auto";
  fig.layout.height = 260;
  fig.layout.margin = { l: 160, r: 20, t: 40, b: 40 };
  fig.layout.xaxis.range = [0, 100];
  return fig;
}

/** Shows one photo (bytes H×W×3) and the bar chart of its top-k predictions. */
export function showTopK(image: Uint8Array, shape: [number, number, number], preds: Prediction[], opts: { title?: string; highlight?: number[] } = {}): void {
  show({ "image/jpeg": jpegDataUri(image, shape, 224).split(",")[1], "text/plain": `[photo ${shape[0]}×${shape[1]}]` });
  show(figureBundle(topKFigure(preds, opts)));
}

export interface Top5Row {
  index: number;
  file?: string;
  truth: string;
  top5: Prediction[];
  /** the top 5 contains one of the classes that count as right for this image's class */
  hit: boolean;
}

/**
 * The top 5 of each image of `dataset` (default all) and whether it contains a class that counts as right:
 * `accept[className]` lists the ImageNet indices accepted for each of the dataset's classes,
 * e.g. { ants: [310], bees: [309] } (310 = "ant, emmet, pismire", 309 = "bee").
 */
export function top5Rows(net: MobileNet, dataset: ImageDataset & { files?: string[] }, accept: Record<string, number[]>, indices?: number[]): Top5Row[] {
  const idx = indices ?? Array.from({ length: dataset.length }, (_, i) => i);
  const preds = net.classify(dataset, idx, 5);
  return idx.map((i, k) => {
    const truth = dataset.classes?.[dataset.labels[i]] ?? String(dataset.labels[i]);
    const ok = accept[truth] ?? [];
    return { index: i, file: dataset.files?.[i], truth, top5: preds[k], hit: preds[k].some((p) => ok.includes(p.index)) };
  });
}

/** Shows each row's photo and top-5 chart with a line saying whether the true class is among them (01_imagenet). */
export function showTop5(dataset: ImageDataset & { files?: string[] }, rows: Top5Row[], accept: Record<string, number[]>): void {
  for (const r of rows) {
    const name = r.file ? r.file.split(/[\\/]/).pop() : `#${r.index}`;
    console.log(`${name} (正解: ${r.truth}) → トップ5: ${r.top5.map((p) => `${p.name} ${(100 * p.prob).toFixed(1)} %`).join(", ")} → ${r.hit ? "トップ5 に正解あり ✔" : "トップ5 に正解なし ✘"}`);
    showTopK(dataset.image(r.index), dataset.shape, r.top5, { title: `${name} (正解: ${r.truth})`, highlight: accept[r.truth] });
  }
}
