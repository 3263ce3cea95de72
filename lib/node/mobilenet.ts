// MobileNet v1 (width 0.25, 224×224 input) with ImageNet weights, as a TensorFlow.js layers model.
//   const net = await mobilenet.load({ download: true });
//   const top5 = net.classify(val_set, [0, 1, 2]);          // the 5 most probable of the 1000 classes, with probabilities
//   const base = net.cut();                                 // up to global average pooling: 256 features per image
// The 56 files (model.json and 55 weight shards, 1.9 MB) come from the cache (datasets/mobilenet_v1_0.25_224/), the
// mirror folder, or Google's storage (the files TensorFlow.js's mobilenet package loads), each checked by md5.
// Inputs are 224×224 RGB photos normalized to [-1, 1] (data/images.ts: mobilenetNormalize()).
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "../core/data/dataset";
import { obtain, ObtainOptions, RemoteFile } from "./data/sources";
import { show } from "../core/display";
import { IMAGENET_CLASSES } from "../core/imagenet-classes";
import { Module } from "../core/nn";
import { jpegDataUri } from "./data/images";
import { barChart, Figure, figureBundle } from "../core/plot";
import { datasetsRoot } from "./paths";
import { Random } from "../core/random";

export { IMAGENET_CLASSES };

const FOLDER = "mobilenet_v1_0.25_224";
const BASE_URL = `https://storage.googleapis.com/tfjs-models/tfjs/${FOLDER}/`;
/** The layer at which cut() ends by default: global average pooling (256 features). */
export const GAP_LAYER = "global_average_pooling2d_1";

const MD5: Record<string, string> = {
  "model.json": "2b25c4123e1d3b2087cc4a7bd2706a2b",
  "group1-shard1of1": "190fab8629b8cfc8bb3fda2e3f8861fb",
  "group2-shard1of1": "e84f9b10648fda19be0210c6c5823b53",
  "group3-shard1of1": "c684113c879d43de2e9e299e01f02e5d",
  "group4-shard1of1": "fc9596031f5d3038f2d23cc87dc423db",
  "group5-shard1of1": "6eaead1a170b9f4ba9214242aa4d7d8f",
  "group6-shard1of1": "6b647311c53327b349a834161f676bed",
  "group7-shard1of1": "9ab12dc0e324c99bb1bbd29fbf462bfc",
  "group8-shard1of1": "5a32ce195f88d781c60f4d8b7a727631",
  "group9-shard1of1": "a909bf7a5f8b3fa0829ce679052c844f",
  "group10-shard1of1": "460c6efa89f6e2013f08481b8daaf925",
  "group11-shard1of1": "c8cadde945f0706c546e668318fdae6e",
  "group12-shard1of1": "e217d886881be5be808e509fd3153501",
  "group13-shard1of1": "b5017ff79d2d4d6dbe5fd724352d5801",
  "group14-shard1of1": "a6b9c47c7c4efdbd70a5728e401e0720",
  "group15-shard1of1": "a939e018b810c5b2750fda1d9297b50f",
  "group16-shard1of1": "2f7992246c41fe32d90655ae8d7364fd",
  "group17-shard1of1": "ccf4f453ab414e3a6b7b211b6f22208c",
  "group18-shard1of1": "3a405e1a7aee5e5b0c7970cadc4a871e",
  "group19-shard1of1": "14c85ff4d14b705545141f84bb99055c",
  "group20-shard1of1": "603a686d82f578d4a5ecdc8d7b4d3227",
  "group21-shard1of1": "d339ff8e61a8c3e8141156c924bbeb1a",
  "group22-shard1of1": "dc4d164a60f5db06f385cf68ffa5c5c1",
  "group23-shard1of1": "76ab429427eabdc6d23b78613bc0da58",
  "group24-shard1of1": "2ab6f55554d8da4d425ceacaba1c37a4",
  "group25-shard1of1": "ac03d124f5b9300ec6cf7d729a06075f",
  "group26-shard1of1": "e627fb4dd15756d6f6effc79ba382331",
  "group27-shard1of1": "570410e9ca6bf370312a53fbe232969c",
  "group28-shard1of1": "c20d0d3565de73367cfcec8f0ace7e50",
  "group29-shard1of1": "12f0813d3991d63b2c81506b598805c8",
  "group30-shard1of1": "543f82a786d0e777e377ff33353ba175",
  "group31-shard1of1": "c74469f9a9733c9133e5e249910e8062",
  "group32-shard1of1": "ccc81f73b6445889231e16d5c88afc6c",
  "group33-shard1of1": "4ff2037226f8c2c42df870df3f24cbac",
  "group34-shard1of1": "88cae4a0525114b05177b4c003db984b",
  "group35-shard1of1": "4aa8dc1dd277eb6cf2b73a00998539d2",
  "group36-shard1of1": "db3f0c74cb5dde20a74e7ebcecb2c862",
  "group37-shard1of1": "1cf445a9a581f89ce7ccee4996a8e1ad",
  "group38-shard1of1": "c8a91b7623358e27bad9c240c1b9f2e3",
  "group39-shard1of1": "6df9b96f8fb739f03157ddc11fe8e61d",
  "group40-shard1of1": "db152564ea85d0aee10605bd19ee5527",
  "group41-shard1of1": "bd6ee3ae08f7f7794faab9922e2cf0f2",
  "group42-shard1of1": "744fbc6565bfe922c03879f5c6de4466",
  "group43-shard1of1": "f98a7ecec81976b48509940e9a0ce366",
  "group44-shard1of1": "8a0ef2e272801774589888aa05f419e6",
  "group45-shard1of1": "9e56fb58619c1ab9f6030507103459b9",
  "group46-shard1of1": "7d7d29cf253c452ff4fa678d214fc2fe",
  "group47-shard1of1": "1c228f6901e3cf5ca38e9358798bb3ba",
  "group48-shard1of1": "0c4b9210fcc4c4f2a16693213cedaaec",
  "group49-shard1of1": "55f85c65d7e71ed075b061ee0ee7cb03",
  "group50-shard1of1": "d6dda8728381cacd6086c9707cd1ddc6",
  "group51-shard1of1": "d1b3f6d90239ba8ae4917e4d55329f9a",
  "group52-shard1of1": "c1c25b6ebda95bf9ec6a1dd1953eb136",
  "group53-shard1of1": "25e094a091272d4a2d92f66d339ac17f",
  "group54-shard1of1": "70610bb561e8c51e2d5447fb4da7b46c",
  "group55-shard1of1": "144e3620d9a097915618c53872eccd08",
};

/** model.json first, then the weight shards. */
export const MOBILENET_FILES: RemoteFile[] = Object.entries(MD5).map(([name, md5]) => ({ name, folder: FOLDER, md5, urls: [BASE_URL + name] }));

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

/** Reads model.json and its shards from a folder into a layers model. */
export async function loadLayersModelFrom(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
  const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const buffers = manifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel({ load: async () => ({ modelTopology: json.modelTopology, weightSpecs, weightData }) });
}

/** MobileNet v1 0.25 with ImageNet weights, from the cache, the mirror folder or Google's storage (md5-checked). */
export async function load(opts: Partial<ObtainOptions> = {}): Promise<MobileNet> {
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const files: string[] = [];
  for (const f of MOBILENET_FILES) files.push(await obtain(f, o));
  const model = await loadLayersModelFrom(path.dirname(files[0]));
  return new MobileNet(model, IMAGENET_CLASSES, files);
}

/**
 * The same architecture with fresh random weights (no ImageNet training), seeded: convolution kernels
 * He-uniform U(±√(6/fan_in)), biases 0, batch norm γ = 1, β = 0, moving mean 0 and variance 1.
 * For the comparison "pretrained vs. trained from scratch".
 */
export async function untrained(seed = 0, opts: Partial<ObtainOptions> & { bnMomentum?: number } = {}): Promise<MobileNet> {
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const jsonFile = await obtain(MOBILENET_FILES[0], o);
  const json = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
  // Keras's batch norm keeps 99 % of its moving averages per step (momentum 0.99): after the few hundred steps of a
  // small data set they would still be mostly their initial values, and evaluation would use them. 0.9 by default here.
  for (const l of json.modelTopology.model_config.config.layers) {
    if (l.class_name === "BatchNormalization") l.config.momentum = opts.bnMomentum ?? 0.9;
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
  return new MobileNet(model, IMAGENET_CLASSES, [jsonFile]);
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
    parts.push(Float32Array.from(f));
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
    const name = r.file ? path.basename(r.file) : `#${r.index}`;
    console.log(`${name} (正解: ${r.truth}) → トップ5: ${r.top5.map((p) => `${p.name} ${(100 * p.prob).toFixed(1)} %`).join(", ")} → ${r.hit ? "トップ5 に正解あり ✔" : "トップ5 に正解なし ✘"}`);
    showTopK(dataset.image(r.index), dataset.shape, r.top5, { title: `${name} (正解: ${r.truth})`, highlight: accept[r.truth] });
  }
}
