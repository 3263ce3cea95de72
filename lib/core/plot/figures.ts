// Figure builders: pure functions that return a plotly figure {data, layout}, plain JSON that the tests read
// without a kernel. Showing a figure in the notebook is ./notebook.ts's job.
import type { ImageDataset } from "../data/dataset";
import { confusionCounts } from "../metrics";
import type { History } from "../train";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Trace = Record<string, any>;
export interface Figure {
  data: Trace[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  layout: Record<string, any>;
}
/** [height, width, channels] of one image */
export type Shape = [number, number, number];

/** One colour per run (plotly's default palette). */
export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
/** Grids draw at most this many images or maps: more makes the notebook heavy and the cells tiny. */
export const MAX_GRID = 64;

const text = (s?: string) => (s === undefined ? undefined : { text: s });

// ---------------------------------------------------------------- line charts

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** "solid" (default), "dash", "dot", ... */
  dash?: string;
  color?: string;
  /** series with the same group are shown/hidden together from the legend */
  group?: string;
}
export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  yRange?: [number, number];
}

export function lineChart(series: Series[], opts: ChartOptions = {}): Figure {
  return {
    data: series.map((s) => ({
      type: "scatter",
      mode: "lines+markers",
      name: s.name,
      x: Array.from(s.x),
      y: Array.from(s.y),
      line: { dash: s.dash ?? "solid", color: s.color },
      legendgroup: s.group,
    })),
    layout: {
      title: text(opts.title),
      xaxis: { title: text(opts.xTitle) },
      yaxis: { title: text(opts.yTitle), range: opts.yRange },
      height: 380,
      margin: { l: 60, r: 20, t: 50, b: 50 },
    },
  };
}

const runsOf = (h: History | History[]): History[] => (Array.isArray(h) ? h : [h]);

/** 訓練 (dashed) and テスト (solid) curves of one metric, one colour per run; accuracy in percent. */
export function historyFigure(histories: History | History[], metric: "loss" | "acc"): Figure {
  const runs = runsOf(histories);
  const scale = metric === "acc" ? 100 : 1;
  const series = runs.flatMap((h, i): Series[] => {
    const color = COLORS[i % COLORS.length];
    const x = h.epochs.map((e) => e.epoch);
    const test = h.epochs.map((e) => scale * (metric === "acc" ? e.test_acc : e.test_loss));
    const train = h.epochs.map((e) => scale * (metric === "acc" ? e.train_acc : e.train_loss));
    return [
      { name: `${h.label} テスト`, x, y: test, color, group: h.label },
      { name: `${h.label} 訓練`, x, y: train, color, group: h.label, dash: "dash" },
    ];
  });
  const title = metric === "acc" ? "正解率 (%)" : "損失";
  // no epoch yet (a live curve before training): one empty series, so that the axes are drawn
  const fig = lineChart(series.length ? series : [{ name: "", x: [], y: [] }], { title, xTitle: "エポック", yTitle: title });
  if (!series.length) fig.data[0].showlegend = false;
  const last = Math.max(1, ...runs.flatMap((h) => h.epochs.map((e) => e.epoch)));
  Object.assign(fig.layout.xaxis, { tick0: 1, dtick: Math.ceil(last / 10) }); // whole epochs only
  // with early stopping: a dotted vertical line at the epoch whose weights were kept
  fig.layout.shapes = runs.flatMap((h, i) =>
    h.best_epoch === undefined ? [] : [{ type: "line", xref: "x", yref: "paper", x0: h.best_epoch, x1: h.best_epoch, y0: 0, y1: 1, line: { dash: "dot", width: 1, color: COLORS[i % COLORS.length] } }],
  );
  return fig;
}

/** Puts figures side by side in one figure; their titles become subplot titles, the first one's legend is kept. */
export function sideBySide(figs: Figure[], title?: string): Figure {
  const gap = 0.08;
  const width = (1 - gap * (figs.length - 1)) / figs.length;
  const layout: Figure["layout"] = { title: text(title), height: 400, margin: { l: 60, r: 20, t: 80, b: 50 }, annotations: [], shapes: [] };
  const data = figs.flatMap((f, i) => {
    const k = i === 0 ? "" : String(i + 1);
    const domain = [i * (width + gap), i * (width + gap) + width];
    layout[`xaxis${k}`] = { ...f.layout.xaxis, domain, anchor: `y${k}` };
    layout[`yaxis${k}`] = { ...f.layout.yaxis, anchor: `x${k}` };
    const sub = f.layout.title?.text;
    if (sub) layout.annotations.push({ text: sub, x: (domain[0] + domain[1]) / 2, y: 1, xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", showarrow: false });
    layout.shapes.push(...(f.layout.shapes ?? []).map((s: Trace) => ({ ...s, xref: `x${k}` })));
    return f.data.map((t) => ({ ...t, xaxis: `x${k}`, yaxis: `y${k}`, showlegend: i === 0 }));
  });
  return { data, layout };
}

/** Loss and accuracy side by side. */
export function historyPair(histories: History | History[], title?: string): Figure {
  return sideBySide([historyFigure(histories, "loss"), historyFigure(histories, "acc")], title);
}

// ---------------------------------------------------------------- grids of images and maps

interface GridOptions {
  cols?: number;
  titles?: string[];
  /** titles drawn in red (mistakes) */
  red?: boolean[];
  title?: string;
}

/** Lays traces out in a grid of small square subplots without ticks, row 0 of each at the top. */
function gridFigure(traces: Trace[], opts: GridOptions): Figure {
  const n = traces.length;
  if (n === 0) throw new Error("plot: nothing to draw");
  if (n > MAX_GRID) throw new Error(`plot: at most ${MAX_GRID} images/maps in one grid, got ${n}`);
  const cols = Math.min(opts.cols ?? 8, n);
  const rows = Math.ceil(n / cols);
  const cellPx = 100;
  const titlePx = opts.titles ? 20 : 4;
  const rowPx = cellPx + titlePx;
  const top = opts.title ? 50 : 10;
  const layout: Figure["layout"] = {
    title: text(opts.title),
    height: rows * rowPx + top + 10,
    margin: { l: 10, r: 10, t: top, b: 10 },
    showlegend: false,
    annotations: [],
  };
  const hidden = { showticklabels: false, showgrid: false, zeroline: false, ticks: "" };
  const data = traces.map((t, i) => {
    const k = i === 0 ? "" : String(i + 1);
    const [r, c] = [Math.floor(i / cols), i % cols];
    const x = [c / cols + 0.01, (c + 1) / cols - 0.01];
    const y = [1 - (r + 1) / rows + 0.01, 1 - r / rows - titlePx / (rows * rowPx)];
    layout[`xaxis${k}`] = { ...hidden, domain: x, anchor: `y${k}`, constrain: "domain" };
    layout[`yaxis${k}`] = { ...hidden, domain: y, anchor: `x${k}`, autorange: "reversed", scaleanchor: `x${k}`, constrain: "domain" };
    const label = opts.titles?.[i];
    if (label !== undefined) {
      const color = opts.red?.[i] ? "red" : "black";
      layout.annotations.push({ text: label, x: (x[0] + x[1]) / 2, y: y[1], xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 11, color } });
    }
    return { ...t, xaxis: `x${k}`, yaxis: `y${k}` };
  });
  return { data, layout };
}

const GRAY = [[0, "black"], [1, "white"]];

/** One image (H×W×C bytes) as a trace: a gray heatmap, or plotly's "image" trace for colour. */
export function imageTrace(image: ArrayLike<number>, [h, w, c]: Shape): Trace {
  const row = (y: number, x: number) => (c === 1 ? image[y * w + x] : [0, 1, 2].map((k) => image[(y * w + x) * c + k]));
  const z = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => row(y, x)));
  if (c === 1) return { type: "heatmap", z, colorscale: GRAY, zmin: 0, zmax: 255, showscale: false, hovertemplate: "x=%{x} y=%{y}: %{z}<extra></extra>" };
  if (c === 3 || c === 4) return { type: "image", z, colormodel: "rgb" };
  throw new Error(`plot: images need 1, 3 or 4 channels, not ${c}`);
}

export interface ImageGridOptions extends Omit<GridOptions, "red"> {
  /** [h, w, c]; required for a list of images, taken from the dataset otherwise */
  shape?: Shape;
  /** with a dataset: which examples (default: the first 16) */
  indices?: number[];
  /** with a dataset: predicted class of every example of the dataset (as predict() returns, in dataset order);
   *  titles become "正解 7 / 予測 1" and mistakes are red */
  pred?: ArrayLike<number>;
  /** titles drawn in red */
  wrong?: boolean[];
}

/** A grid of small images, from a list of H×W×C byte arrays or from a dataset. */
export function imageGrid(images: Uint8Array[] | ImageDataset, opts: ImageGridOptions = {}): Figure {
  if (Array.isArray(images)) {
    if (!opts.shape) throw new Error("imageGrid: pass opts.shape = [h, w, c] with a list of images");
    const shape = opts.shape;
    return gridFigure(images.map((im) => imageTrace(im, shape)), { ...opts, red: opts.wrong });
  }
  const ds = images;
  const indices = opts.indices ?? Array.from({ length: Math.min(16, ds.length) }, (_, i) => i);
  const name = (k: number) => ds.classes?.[k] ?? String(k);
  const pred = opts.pred;
  const titles = opts.titles ?? indices.map((i) => (pred ? `正解 ${name(ds.labels[i])} / 予測 ${name(pred[i])}` : name(ds.labels[i])));
  const wrong = opts.wrong ?? (pred ? indices.map((i) => pred[i] !== ds.labels[i]) : undefined);
  return gridFigure(indices.map((i) => imageTrace(ds.image(i), ds.shape)), { ...opts, titles, red: wrong });
}

export interface HeatmapOptions {
  title?: string;
  x?: (string | number)[];
  y?: (string | number)[];
  /** plotly colorscale name, e.g. "Viridis", "Greys", "Blues", "RdBu"; default: RdBu centred on 0 when
   *  the values have both signs (kernels), else Viridis */
  colorscale?: string;
  /** write each value in its cell */
  showValues?: boolean;
  xTitle?: string;
  yTitle?: string;
}

/** 4 significant digits: more than a colour shows (a float32 written in full takes 19 characters in the notebook). */
const short = (v: number) => (Number.isInteger(v) ? v : Number(v.toPrecision(4)));

function heatTrace(z: number[][], colorscale?: string): Trace {
  let [lo, hi] = [Infinity, -Infinity];
  for (const row of z) for (const v of row) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const signed = lo < 0 && hi > 0 && colorscale === undefined;
  return { type: "heatmap", z: z.map((row) => row.map(short)), colorscale: colorscale ?? (signed ? "RdBu" : "Viridis"), zmid: signed ? 0 : undefined };
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** One matrix (a kernel, a feature map), row 0 at the top, square cells. */
export function heatmap(z: number[][], opts: HeatmapOptions = {}): Figure {
  const trace = heatTrace(z, opts.colorscale);
  Object.assign(trace, { x: opts.x, y: opts.y });
  if (opts.showValues) Object.assign(trace, { text: z.map((r) => r.map(fmt)), texttemplate: "%{text}" });
  const category = (labels?: unknown[]) => (labels ? "category" : undefined);
  return {
    data: [trace],
    layout: {
      title: text(opts.title),
      xaxis: { title: text(opts.xTitle), type: category(opts.x), constrain: "domain" },
      yaxis: { title: text(opts.yTitle), type: category(opts.y), autorange: "reversed", scaleanchor: "x", constrain: "domain" },
      height: 450,
      margin: { l: 70, r: 20, t: 50, b: 60 },
    },
  };
}

/** Many matrices in one figure, e.g. the 32 kernels of a conv layer or its 32 feature maps. */
export function heatmapGrid(zs: number[][][], opts: { titles?: string[]; cols?: number; title?: string; colorscale?: string } = {}): Figure {
  return gridFigure(zs.map((z) => ({ ...heatTrace(z, opts.colorscale), showscale: false })), opts);
}

// ---------------------------------------------------------------- classification

/** Counts [true class][predicted class] and draws them; rows = true class, columns = prediction. */
export function confusionMatrix(pred: ArrayLike<number>, target: ArrayLike<number>, classes: string[], opts: { title?: string } = {}): { matrix: number[][]; figure: Figure } {
  const matrix = confusionCounts(pred, target, classes.length);
  const figure = heatmap(matrix, { title: opts.title ?? "混同行列", x: classes, y: classes, colorscale: "Blues", showValues: true, xTitle: "予測", yTitle: "正解" });
  figure.data[0].reversescale = true; // plotly's Blues runs dark to light: make large counts dark
  return { matrix, figure };
}

/** The largest off-diagonal cell: the pair of classes the model mixes up most. */
export function mostConfused(matrix: number[][]): { trueClass: number; predClass: number; count: number } {
  let best = { trueClass: -1, predClass: -1, count: -1 };
  matrix.forEach((row, t) =>
    row.forEach((count, p) => {
      if (t !== p && count > best.count) best = { trueClass: t, predClass: p, count };
    }),
  );
  return best;
}

/** Bars, e.g. the top-k class probabilities of one image; horizontal bars list the first label on top. */
export function barChart(labels: string[], values: ArrayLike<number>, opts: ChartOptions & { horizontal?: boolean } = {}): Figure {
  const v = Array.from(values);
  const cat = { type: "category" };
  const trace = opts.horizontal ? { type: "bar", orientation: "h", x: v, y: labels } : { type: "bar", x: labels, y: v };
  return {
    data: [trace],
    layout: {
      title: text(opts.title),
      xaxis: { title: text(opts.xTitle), ...(opts.horizontal ? {} : cat) },
      yaxis: { title: text(opts.yTitle), ...(opts.horizontal ? { ...cat, autorange: "reversed" } : {}) },
      height: 350,
      margin: { l: 80, r: 20, t: 50, b: 50 },
    },
  };
}
