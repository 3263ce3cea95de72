// Notebook delivery of the figures that ./figures.ts builds. A figure is sent as ONE output with three MIME
// types, so that it works everywhere:
//   application/vnd.plotly.v1+json  the figure itself; JupyterLab draws it (the plotly extension, offline)
//   text/html                       <div> + <script> calling Plotly.newPlot; used by the HTML export
//   text/plain                      "[plot: title]"; used outside a notebook
// The HTML export needs plotly.js itself: the nbconvert template "lecture3" (nbconvert/lecture3, installed by
// scripts/setup.sh) puts the npm package plotly.js-dist-min's copy into the page once. No CDN is referenced.
// Also here: figures redrawn in place (LiveFigure, LiveCurve) and single images as PNG (showPng).
import { randomBytes } from "crypto";
import type { ImageDataset } from "../data/dataset";
import { LiveDisplay, inNotebook, show, type MimeBundle } from "../display";
import { encodePng } from "../../node/png";
import type { History } from "../train";
import {
  barChart,
  ChartOptions,
  confusionMatrix,
  Figure,
  heatmap,
  heatmapGrid,
  HeatmapOptions,
  historyPair,
  imageGrid,
  ImageGridOptions,
  lineChart,
  Series,
  Shape,
  Trace,
} from "./figures";

function describe(fig: Figure): string {
  const title = fig.layout.title?.text ?? fig.layout.annotations?.map((a: Trace) => a.text).join(", ") ?? "";
  return `[plot: ${String(title || `${fig.data.length} traces`).replace(/\s+/g, " ")}]`;
}

/** JSON that can sit inside <script>: "</script>" or "<!--" in a title cannot end the script. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/<\//g, "<\\/").replace(/<!--/g, "<\\!--");
}

/**
 * The three-MIME bundle of a figure. The HTML part calls window.Plotly, which the notebook does not carry
 * (it would add 4.8 MB to every saved notebook): the HTML export puts plotly.js into the page once
 * (the nbconvert template "lecture3", installed by scripts/setup.sh).
 */
export function figureBundle(fig: Figure): MimeBundle {
  const id = `plot-${randomBytes(6).toString("hex")}`;
  const html = `<div id="${id}" style="height:${fig.layout.height ?? 450}px;"></div>
<script type="text/javascript">
(function () {
  var div = document.getElementById("${id}");
  if (!window.Plotly) { div.textContent = "plotly.js is not loaded: export with the template lecture3 (jupyter nbconvert --to html --template lecture3)."; return; }
  var fig = ${scriptJson(fig)};
  window.Plotly.newPlot(div, fig.data, fig.layout);
})();
</script>`;
  return {
    "application/vnd.plotly.v1+json": { data: fig.data, layout: fig.layout },
    "text/html": html,
    "text/plain": describe(fig),
  };
}

/** Displays a figure in the notebook (outside one, prints its one-line description). */
export function showFigure(fig: Figure): void {
  show(figureBundle(fig));
}

export const showLine = (series: Series[], opts?: ChartOptions) => showFigure(lineChart(series, opts));
export const showHistory = (histories: History | History[], opts: { title?: string } = {}) => showFigure(historyPair(histories, opts.title));
export const showImages = (images: Uint8Array[] | ImageDataset, opts?: ImageGridOptions) => showFigure(imageGrid(images, opts));
export const showHeatmap = (z: number[][], opts?: HeatmapOptions) => showFigure(heatmap(z, opts));
export const showHeatmapGrid = (zs: number[][][], opts?: Parameters<typeof heatmapGrid>[1]) => showFigure(heatmapGrid(zs, opts));
export const showBar = (labels: string[], values: ArrayLike<number>, opts?: Parameters<typeof barChart>[2]) => showFigure(barChart(labels, values, opts));

/** Shows the confusion matrix and returns its counts. */
export function showConfusionMatrix(pred: ArrayLike<number>, target: ArrayLike<number>, classes: string[], opts?: { title?: string }): number[][] {
  const { matrix, figure } = confusionMatrix(pred, target, classes, opts);
  showFigure(figure);
  return matrix;
}

/**
 * A figure redrawn in place; the saved notebook keeps the last drawing.
 * JupyterLab's plotly renderer ignores an update of a figure it has drawn (it returns early when its graph
 * exists; plotly.py #3053), but it starts a new renderer when the output's MIME type changes. So every
 * update is sent twice: an HTML placeholder of the figure's height, then the figure, which is drawn anew.
 */
export class LiveFigure {
  private readonly display = new LiveDisplay();

  update(fig: Figure): void {
    if (inNotebook() && this.display.shown) {
      this.display.update({ "text/html": `<div style="height:${fig.layout.height ?? 450}px;"></div>`, "text/plain": describe(fig) });
    }
    this.display.update(figureBundle(fig));
  }
}

/**
 * Loss and accuracy curves redrawn in place after every epoch. Created before training, it shows empty axes,
 * so the figure stands above the epoch lines.
 *   const live = new plot.LiveCurve();
 *   await fit(model, optimizer, train_loader, test_loader, { epochs: 10, on_epoch: (h) => live.update(h) });
 */
export class LiveCurve {
  private readonly figure = new LiveFigure();
  constructor(readonly title?: string) {
    if (inNotebook()) this.figure.update(historyPair([], title ?? "学習曲線 (エポックごとに更新)"));
  }

  update(histories: History | History[]): void {
    this.figure.update(historyPair(histories, this.title));
  }
}

/** One image as a PNG, enlarged `scale` times (default 4) with nearest neighbour so a 28×28 digit is visible. */
export function showPng(image: Uint8Array, shape: Shape, opts: { scale?: number } = {}): void {
  show(pngBundle(image, shape, opts.scale ?? 4));
}

export function pngBundle(image: Uint8Array, [h, w, c]: Shape, scale = 4): MimeBundle {
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`showPng: images need 1, 3 or 4 channels, not ${c}`);
  const [H, W] = [h * scale, w * scale];
  const big = new Uint8Array(H * W * c);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let k = 0; k < c; k++) big[(y * W + x) * c + k] = image[(Math.floor(y / scale) * w + Math.floor(x / scale)) * c + k];
  return { "image/png": encodePng(big, W, H, c).toString("base64"), "text/plain": `[image ${h}×${w}×${c}]` };
}
