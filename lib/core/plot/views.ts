// Views that run in the page: `drawDigit(model)` sends the trained model to JupyterLab, where the extension
// @lecture3/views (views/) draws a canvas, preprocesses the strokes as MNIST's digits were, and predicts as you draw.
// tslab has no comms, so the page cannot ask the kernel: the output carries the model itself.
//   traceKernels   runs forward once and records the TensorFlow.js kernels it ran (like torch.jit.trace), with the
//                  tensors they read (the weights) as constants: any Module, also one a notebook cell defines
//   runTraced      replays such a record on a new input (the page does this; drawDigit does it once to check)
//   mnistInput     strokes → the 28×28 input (bounding box to 20×20, centred by centre of mass), as MNIST did
// The page and the kernel run the same kernels on the same 28×28 numbers (test/browser/views.spec.js compares them).
import * as tf from "@tensorflow/tfjs";
import { fromBase64, toBase64 } from "../bytes";
import { show, type MimeBundle } from "../display";
import { DataLoader } from "../data/loader";
import { confusionCounts } from "../metrics";
import { inEvalMode, type Module } from "../nn";

export const DRAW_DIGIT_MIME = "application/vnd.lecture3.draw-digit+json";

/** One kernel call: its name, its inputs (tensor ids by input name), its attributes, the ids it produced. */
export interface TracedKernel {
  name: string;
  inputs: [string, number][];
  /** true when the op passed its inputs as an array (Concat, AddN) */
  list: boolean;
  attrs: Record<string, unknown>;
  outputs: number[];
}

/** A forward pass as kernels: the input's id and shape, the constants (weights) as base64, the output's id. */
export interface TracedGraph {
  format: "lecture3-traced/1";
  input: { id: number; shape: number[] };
  output: number;
  /** data: base64 of the values; or `name`, a tensor of the model file the view reads (drawDigit's `file`) */
  constants: { id: number; shape: number[]; dtype: tf.DataType; data?: string; name?: string }[];
  kernels: TracedKernel[];
}

type Engine = { runKernel: (name: string, inputs: unknown, attrs?: unknown) => tf.Tensor | tf.Tensor[] };

/** Attributes as JSON: ±Infinity and NaN (a max-pool's −∞ padding) as { $number: "-Infinity" }, which JSON lacks. */
function toJson(attrs: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(attrs, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? { $number: String(v) } : v)));
}
/** Text as HTML (the static fallbacks of the views): &, <, > and " as character references. */
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

function fromJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length === 1 && typeof o.$number === "string") return Number(o.$number);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)]));
}

/** Runs `f(x)` on zeros of `shape` once and records the kernels it ran at the top level (not those inside a kernel). */
export function traceKernels(f: (x: tf.Tensor) => tf.Tensor, shape: number[]): TracedGraph {
  const engine = tf.engine() as unknown as Engine;
  const original = engine.runKernel;
  const kernels: TracedKernel[] = [];
  const seen = new Map<number, tf.Tensor>(); // every tensor a kernel read
  let depth = 0;
  engine.runKernel = function (name: string, inputs: unknown, attrs?: unknown) {
    if (depth > 0) return original.call(this, name, inputs, attrs);
    depth++;
    try {
      const out = original.call(this, name, inputs, attrs);
      const named = Object.entries(inputs as Record<string, tf.Tensor>);
      named.forEach(([, t]) => seen.set(t.id, t));
      const outs = Array.isArray(out) ? out : [out];
      kernels.push({ name, inputs: named.map(([k, t]) => [k, t.id]), list: Array.isArray(inputs), attrs: toJson(attrs ?? {}), outputs: outs.map((t) => t.id) });
      return out;
    } finally {
      depth--;
    }
  };
  let graph: TracedGraph | null = null;
  try {
    tf.tidy(() => {
      const x = tf.zeros(shape);
      const y = f(x);
      const made = new Set([x.id, ...kernels.flatMap((k) => k.outputs)]);
      if (!made.has(y.id)) throw new Error("forward returned a tensor it did not compute from its input");
      const constants = [...seen.values()].filter((t) => !made.has(t.id)).map((t) => {
        const v = t.dataSync();
        const bytes = v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
        return { id: t.id, shape: t.shape, dtype: t.dtype, data: toBase64(bytes) };
      });
      graph = { format: "lecture3-traced/1", input: { id: x.id, shape }, output: y.id, constants, kernels };
    });
  } finally {
    engine.runKernel = original;
  }
  return graph!;
}

/** A model file as Module.save writes it: base64 float32 values by state_dict name. */
export type StateFile = { format: string; tensors: Record<string, { shape: number[]; data: string }> };

/**
 * The constants of a traced graph as tensors (the caller disposes them); those named by the model file `state`
 * (drawDigit's `file`) come from it, with their shapes checked.
 */
export function tracedConstants(g: TracedGraph, state?: StateFile): Map<number, tf.Tensor> {
  return new Map(g.constants.map((c) => {
    let data = c.data;
    if (c.name !== undefined) {
      const t = state?.tensors[c.name];
      if (!t || t.shape.join() !== c.shape.join()) throw new Error(`モデルのファイルに ${c.name} [${c.shape}] がありません (別のモデルが保存された? セルを実行し直してください)`);
      data = t.data;
    }
    const b = fromBase64(data!);
    const values = c.dtype === "int32" ? new Int32Array(b.buffer) : c.dtype === "bool" ? b : new Float32Array(b.buffer);
    return [c.id, tf.tensor(values, c.shape, c.dtype)];
  }));
}

/**
 * Replays a traced graph on `x` (same shape as traced) with its constants; returns the output. `seen`, if given, is
 * called with each kernel and its outputs as they are computed (the page shows the feature maps from it).
 */
export function runTraced(g: TracedGraph, constants: Map<number, tf.Tensor>, x: tf.Tensor, seen?: (k: TracedKernel, outputs: tf.Tensor[]) => void): tf.Tensor {
  const engine = tf.engine() as unknown as Engine;
  return tf.tidy(() => {
    const env = new Map<number, tf.Tensor>(constants);
    env.set(g.input.id, x);
    for (const k of g.kernels) {
      const get = (id: number) => {
        const t = env.get(id);
        if (!t) throw new Error(`kernel ${k.name}: input ${id} is unknown`);
        return t;
      };
      const inputs = k.list ? k.inputs.map(([, id]) => get(id)) : Object.fromEntries(k.inputs.map(([n, id]) => [n, get(id)]));
      const out = engine.runKernel(k.name, inputs, fromJson(k.attrs));
      const outs = Array.isArray(out) ? out : [out];
      outs.forEach((t, i) => env.set(k.outputs[i], t));
      seen?.(k, outs);
    }
    const y = env.get(g.output);
    if (!y) throw new Error("the traced graph has no output");
    return y.clone(); // tidy keeps what it returns; tf.keep would also outlive the caller's tidy (one tensor a call)
  });
}

/**
 * A drawing (alpha or grey values 0..255, `width` × `height`, row after row; ink is high) as MNIST's digits were made:
 * the ink's bounding box scaled to fit 20×20 (keeping its aspect), placed in 28×28 with its centre of mass at the
 * centre. Values in [0, 1] (ToTensor's scale), 784 of them; null when there is nothing to predict (no ink, or a
 * bounding box smaller than a tenth of the drawing's side).
 */
export function mnistInput(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x] > 0) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  if (x1 < 0 || Math.max(bw, bh) < Math.max(width, height) / 10) return null;
  const s = 20 / Math.max(bw, bh);
  const [tw, th] = [Math.max(1, Math.round(bw * s)), Math.max(1, Math.round(bh * s))];
  // area average: each target pixel is the mean of the source pixels that fall into it
  const sum = new Float64Array(tw * th);
  const count = new Float64Array(tw * th);
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const i = Math.min(th - 1, Math.floor((y - y0) * s)) * tw + Math.min(tw - 1, Math.floor((x - x0) * s));
      sum[i] += ink[y * width + x] / 255;
      count[i]++;
    }
  const patch = new Float64Array(tw * th);
  for (let i = 0; i < patch.length; i++) {
    // a target pixel no source pixel fell into (a drawing smaller than 20 px): its nearest source pixel
    const [py, px] = [Math.floor(i / tw), i % tw];
    patch[i] = count[i] ? sum[i] / count[i] : ink[Math.min(y1, y0 + Math.floor((py + 0.5) / s)) * width + Math.min(x1, x0 + Math.floor((px + 0.5) / s))] / 255;
  }
  let [m, mx, my] = [0, 0, 0];
  for (let i = 0; i < patch.length; i++) [m, mx, my] = [m + patch[i], mx + patch[i] * ((i % tw) + 0.5), my + patch[i] * (Math.floor(i / tw) + 0.5)];
  const [ox, oy] = [Math.round(14 - mx / m), Math.round(14 - my / m)];
  const out = new Float32Array(28 * 28);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const [X, Y] = [x + ox, y + oy];
      if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = patch[y * tw + x];
    }
  return out;
}

/** What drawDigit sends: the traced model, the input shape it takes, and the notebook's normalization. */
export interface DrawDigitData {
  format: "lecture3-draw-digit/1";
  graph: TracedGraph;
  /** the model file (Module.save's format, relative to the notebook) holding the weights, when they are not inline */
  file?: string;
  /** (x − mean) / std after ToTensor's [0, 1], as transforms.Normalize([mean], [std]) */
  normalize: { mean: number; std: number };
  parameters: number;
  /** test images the page offers instead of a drawing (drawDigit's `examples`): dataset index, label, 784 bytes each */
  examples?: { index: number[]; label: number[]; pixels: string };
}

/** The weights an output may carry (base64 makes them a third larger): notebooks must stay small. */
export const MAX_WEIGHT_BYTES = 1_000_000;

export interface DrawDigitOptions {
  /** the notebook's transforms.Normalize (default: the lecture's Normalize([0.5], [1.0])) */
  normalize?: { mean: number; std: number };
  /**
   * A model file, relative to the notebook (e.g. "models/cnn.json"): the model is saved there (Module.save) and the
   * page reads its weights from the Jupyter server instead of the notebook carrying them (a lecture CNN's 1.2 M
   * weights are 4.8 MB). The file must stay beside the notebook for the view to work.
   */
  file?: string;
  /**
   * A dataset of 28×28 images (e.g. the test set): the page offers its first image of each digit 0–9 as the input,
   * beside the drawing, to see the model's probabilities and feature maps for a real test image.
   */
  examples?: DigitImages;
}

/** What drawDigit's `examples` needs of an ImageDataset. */
type DigitImages = { length: number; shape: [number, number, number]; labels: ArrayLike<number>; image(i: number): Uint8Array; batch(indices: number[]): [tf.Tensor, tf.Tensor] };

/**
 * The first image of each digit 0–9 of `set` (784 bytes each, as the dataset holds them), checked against the
 * dataset's own transform: the page computes (bytes / 255 − mean) / std, which must be what the model was fed.
 */
function digitExamples(set: DigitImages, normalize: { mean: number; std: number }): NonNullable<DrawDigitData["examples"]> {
  if (!set || typeof set.image !== "function" || typeof set.batch !== "function" || !set.shape || set.shape.join() !== "28,28,1") {
    throw new Error("drawDigit: examples には 28×28 の数字の画像のデータセット (datasets.MNIST の test_set など) を渡してください。");
  }
  const index: number[] = [];
  for (let d = 0; d < 10; d++) {
    for (let i = 0; i < set.length; i++) {
      if (set.labels[i] === d) {
        index.push(i);
        break;
      }
    }
  }
  if (index.length === 0) throw new Error("drawDigit: examples のデータセットに数字 0〜9 の画像がありません。");
  const pixels = new Uint8Array(index.length * 784);
  index.forEach((i, k) => pixels.set(set.image(i), k * 784));
  const diff = tf.tidy(() => {
    const [x] = set.batch(index);
    const page = tf.div(tf.sub(tf.div(tf.tensor4d(Float32Array.from(pixels), [index.length, 28, 28, 1]), 255), normalize.mean), normalize.std);
    return tf.max(tf.abs(tf.sub(x, page))).dataSync()[0];
  });
  if (!(diff <= 1e-5)) {
    throw new Error(`drawDigit: examples のデータセットの変換 (transform) が normalize (平均 ${normalize.mean}, 標準偏差 ${normalize.std}) と違います (差 ${diff})。drawDigit(model, { normalize: { mean, std } }) にノートブックの transforms.Normalize と同じ値を渡してください。`);
  }
  return { index, label: index.map((i) => set.labels[i]), pixels: toBase64(pixels) };
}

/**
 * A canvas to draw a digit on, under the cell: the trained model predicts as you draw (JupyterLab with the
 * project's extension; an HTML export shows a line saying what is there instead). The model must take
 * [N, 28, 28, 1] or [N, 784] and give 10 numbers per image (logits or log-probabilities; the page shows softmax).
 * `normalize` is the notebook's transforms.Normalize (default: the lecture's Normalize([0.5], [1.0])).
 */
export function drawDigit(model: Module, opts: DrawDigitOptions = {}): void {
  const data = drawDigitData(model, opts);
  if (opts.file) model.save(opts.file);
  show(drawDigitBundle(data));
}

export function drawDigitData(model: Module, opts: DrawDigitOptions = {}): DrawDigitData {
  const errors: string[] = [];
  let graph: TracedGraph | null = null;
  for (const shape of [[1, 28, 28, 1], [1, 784]]) {
    try {
      graph = inEvalMode(model, () => traceKernels((x) => model.forward(x), shape));
      break;
    } catch (e) {
      errors.push(`[${shape}]: ${(e as Error).message}`);
    }
  }
  if (!graph) {
    throw new Error(`drawDigit: このモデルは 28×28 の数字の画像 ([N, 28, 28, 1]、または平らにした [N, 784]) を受け付けません。MNIST で学習したモデルを渡してください。\n${errors.join("\n")}`);
  }
  const g = graph;
  const constants = tracedConstants(g);
  try {
    tf.tidy(() => {
      const x = tf.randomUniform(g.input.shape, -0.5, 0.5);
      const want = inEvalMode(model, () => model.forward(x));
      if (want.shape.join() !== "1,10") {
        throw new Error(`drawDigit: モデルの出力は 10 個の数 ([N, 10]: 数字 0〜9) でなければなりません (今は [${want.shape}])。`);
      }
      const got = runTraced(g, constants, x);
      const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0];
      if (!(diff <= 1e-4)) {
        throw new Error(`drawDigit: このモデルの forward は入力によって計算の手順が変わるため、ページでは再現できません (差 ${diff})。`);
      }
    });
  } finally {
    tf.dispose([...constants.values()]);
  }
  const parameters = g.constants.reduce((s, c) => s + c.shape.reduce((a, b) => a * b, 1), 0);
  const normalize = opts.normalize ?? { mean: 0.5, std: 1.0 };
  const examples = opts.examples ? { examples: digitExamples(opts.examples, normalize) } : {};
  if (opts.file) {
    // the model's own tensors are read from the file; anything else forward read (a constant it made) stays inline
    const names = new Map([...model.state_dict()].map(([name, v]) => [v.id, name]));
    const constants = g.constants.map(({ id, shape, dtype, data }) => (names.has(id) ? { id, shape, dtype, name: names.get(id) } : { id, shape, dtype, data }));
    return { format: "lecture3-draw-digit/1", graph: { ...g, constants }, file: opts.file, normalize, parameters, ...examples };
  }
  const bytes = g.constants.reduce((s, c) => s + (c.data!.length * 3) / 4, 0);
  if (bytes > MAX_WEIGHT_BYTES) {
    throw new Error(`drawDigit: このモデルの重みは ${(bytes / 1e6).toFixed(1)} MB あり、ノートブックに入れるには大きすぎます (上限 ${MAX_WEIGHT_BYTES / 1e6} MB)。ファイルに保存してページに読ませてください: drawDigit(model, { file: "models/model.json" })`);
  }
  return { format: "lecture3-draw-digit/1", graph: g, normalize, parameters, ...examples };
}

/** The output: the view for JupyterLab, and a static picture-in-words for places where no script runs. */
export function drawDigitBundle(data: DrawDigitData): MimeBundle {
  const what = `手書き数字の入力欄 (drawDigit, モデルのパラメータ ${data.parameters.toLocaleString("en-US")} 個${data.file ? `、重みは ${data.file}` : ""}${data.examples ? `、テスト画像 ${data.examples.index.length} 枚` : ""})`;
  return {
    [DRAW_DIGIT_MIME]: data,
    "text/html": `<div class="lecture3-draw-digit-fallback" style="border:1px dashed #888;padding:8px;max-width:36em">✎ ${escapeHtml(what)}: JupyterLab (拡張機能 @lecture3/views) で開くと、ここに数字を描くと学習したモデルが 0〜9 の確率を棒グラフで示します。この静的な表示では描けません。</div>`,
    "text/plain": `[${what}]`,
  };
}

// ---------------------------------------------------------------- a confusion matrix you can click

export const CONFUSION_MIME = "application/vnd.lecture3.confusion+json";

/** What confusionView sends: the counts, and the test images the page shows when a cell is clicked. */
export interface ConfusionData {
  format: "lecture3-confusion/1";
  classes: string[];
  /** [true class][predicted class] counts over the whole test set */
  matrix: number[][];
  /** [H, W, C] of one image; the images are the dataset's own bytes (before the transform) */
  shape: [number, number, number];
  /** the examples carried, cell after cell: their index in the dataset, true and predicted class, probabilities */
  examples: { index: number[]; target: number[]; pred: number[]; probs: number[][]; pixels: string };
  /** at most this many images are carried for a wrong cell (all of them when it has fewer), `correct` for a diagonal one */
  limit: { wrong: number; correct: number };
}

/** The bytes of images an output may carry (base64 makes them a third larger): notebooks must stay small. */
export const MAX_IMAGE_BYTES = 300_000;

/** An ImageDataset as confusionView needs it: its images' bytes and labels. */
type Images = { length: number; shape: [number, number, number]; labels: ArrayLike<number>; classes?: string[]; image(i: number): Uint8Array };

/**
 * The confusion matrix of `model` on the test set of `loader` (read in order, not shuffled), as a table you can
 * click: a click on a cell shows the test images of that (true, predicted) pair with their probabilities
 * (JupyterLab with the project's extension; an HTML export shows the table of counts). Every wrong image travels
 * as its own bytes (28×28 = 784 bytes for MNIST) up to `max_bytes` (MAX_IMAGE_BYTES) in all, and the first
 * `correct` (default 8) of each diagonal cell. Returns the counts.
 */
export async function confusionView(model: Module, loader: DataLoader, opts: ConfusionOptions = {}): Promise<number[][]> {
  const data = await confusionData(model, loader, opts);
  show(confusionBundle(data));
  return data.matrix;
}

export interface ConfusionOptions {
  /** how many images of each diagonal (right) cell travel (default 8) */
  correct?: number;
  /** the bytes of images the output may carry (default MAX_IMAGE_BYTES; CIFAR-10's 3,072-byte images need more) */
  max_bytes?: number;
}

export async function confusionData(model: Module, loader: DataLoader, opts: ConfusionOptions = {}): Promise<ConfusionData> {
  const set = loader.dataset as Partial<Images>;
  if (typeof set.image !== "function" || !set.shape || !set.labels) {
    throw new Error("confusionView: 画像のデータセット (datasets.MNIST などの ImageDataset) の DataLoader を渡してください。");
  }
  const images = set as Images;
  const ordered = new DataLoader({ dataset: loader.dataset, batch_size: loader.batch_size, flatten: loader.flatten });
  const pred: number[] = [];
  const probs: Float32Array[] = [];
  await inEvalMode(model, async () => {
    for await (const [input] of ordered) {
      tf.tidy(() => {
        const y = model.forward(input);
        if (y.shape.length !== 2) throw new Error(`confusionView: モデルの出力は [N, クラス数] でなければなりません (今は [${y.shape}])。`);
        const k = y.shape[1]!;
        const p = tf.softmax(y).dataSync() as Float32Array; // log-probabilities or logits: softmax gives probabilities
        for (let i = 0; i < y.shape[0]; i++) probs.push(p.slice(i * k, (i + 1) * k));
        pred.push(...tf.argMax(y, 1).dataSync());
      });
    }
  });
  const k = probs[0]?.length ?? 0;
  const classes = images.classes && images.classes.length === k ? images.classes : Array.from({ length: k }, (_, i) => String(i));
  const cells = new Map<number, number[]>(); // t * k + p → dataset indices, in order
  pred.forEach((p, i) => {
    const t = images.labels[i];
    if (!(t >= 0 && t < k)) throw new Error(`confusionView: ${i} 枚目の正解 ${t} がモデルのクラス数 ${k} の範囲外です。`);
    const cell = cells.get(t * k + p);
    if (cell) cell.push(i);
    else cells.set(t * k + p, [i]);
  });
  const matrix = confusionCounts(pred, Array.from(pred, (_, i) => images.labels[i]), k);
  // the largest per-cell limit for wrong cells whose images fit in MAX_IMAGE_BYTES with the diagonal's first few
  const per = images.shape[0] * images.shape[1] * images.shape[2];
  const correct = opts.correct ?? 8;
  const wrongCounts = [...cells].filter(([c]) => Math.floor(c / k) !== c % k).map(([, v]) => v.length);
  const budget = Math.floor((opts.max_bytes ?? MAX_IMAGE_BYTES) / per) - k * correct;
  let wrong = Math.max(0, ...wrongCounts);
  while (wrong > 0 && wrongCounts.reduce((s, n) => s + Math.min(n, wrong), 0) > budget) wrong--;
  const chosen = [...cells].sort(([a], [b]) => a - b).flatMap(([c, v]) => v.slice(0, Math.floor(c / k) === c % k ? correct : wrong));
  const pixels = new Uint8Array(chosen.length * per);
  chosen.forEach((i, j) => pixels.set(images.image(i), j * per));
  return {
    format: "lecture3-confusion/1",
    classes,
    matrix,
    shape: images.shape,
    examples: {
      index: chosen,
      target: chosen.map((i) => images.labels[i]),
      pred: chosen.map((i) => pred[i]),
      probs: chosen.map((i) => Array.from(probs[i], (p) => Math.round(p * 1e4) / 1e4)),
      pixels: toBase64(pixels),
    },
    limit: { wrong, correct },
  };
}

/** The output: the clickable matrix for JupyterLab, and the counts as a plain table where no script runs. */
export function confusionBundle(data: ConfusionData): MimeBundle {
  const td = "border:1px solid #ccc;padding:2px 6px;text-align:right";
  const head = data.classes.map((c) => `<th style="${td}">${escapeHtml(c)}</th>`).join("");
  const rows = data.matrix.map((row, t) => `<tr><th style="${td}">${escapeHtml(data.classes[t])}</th>${row.map((n, p) => `<td style="${td}${t === p ? ";background:#dde8f5" : ""}">${n}</td>`).join("")}</tr>`).join("");
  const total = data.matrix.flat().reduce((a, b) => a + b, 0);
  const right = data.matrix.reduce((s, row, t) => s + row[t], 0);
  const note = `混同行列 (confusionView: テスト画像 ${total} 枚、正解率 ${((100 * right) / total).toFixed(2)}%、行 = 正解、列 = 予測)`;
  return {
    [CONFUSION_MIME]: data,
    "text/html": `<div class="lecture3-confusion-fallback"><div>${note}。JupyterLab (拡張機能 @lecture3/views) で開くと、マスをクリックしてその画像を見られます。</div><table style="border-collapse:collapse;font-size:13px"><tr><th style="${td}">正解＼予測</th>${head}</tr>${rows}</table></div>`,
    "text/plain": `[${note}]\n` + data.matrix.map((row) => row.map((n) => String(n).padStart(5)).join("")).join("\n"),
  };
}
