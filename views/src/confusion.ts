// confusionView's view: the confusion matrix as a table of buttons; a click on a cell shows the test images of that
// (true, predicted) pair, each with its probabilities, from the bytes the output carries. For the tests the view
// exposes data-cell ("t,p" of the cell shown), data-count (the cell's count) and data-indices (the dataset indices
// of the images shown); each image's canvas has data-index.
import { fromBase64 } from "../../lib/core/bytes";
import { CONFUSION_MIME, type ConfusionData } from "../../lib/core/plot/views";
import type { HTMLWidget } from "./extension";

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, style = "", text = ""): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  e.style.cssText = style;
  e.textContent = text;
  return e;
};

/** One image (H×W×C bytes: grey or RGB) as a canvas, 3 CSS pixels a pixel. */
export function picture(bytes: Uint8Array, [h, w, c]: [number, number, number]): HTMLCanvasElement {
  const canvas = el("canvas", `width:${w * 3}px;height:${h * 3}px;image-rendering:pixelated;border:1px solid #ccc`);
  [canvas.width, canvas.height] = [w, h];
  const img = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = c === 1 ? [bytes[i], bytes[i], bytes[i]] : [bytes[i * c], bytes[i * c + 1], bytes[i * c + 2]];
    img.data.set([r, g, b, 255], i * 4);
  }
  canvas.getContext("2d")!.putImageData(img, 0, 0);
  return canvas;
}

export function confusionRenderer(Widget: new () => HTMLWidget) {
  class Confusion extends Widget {
    async renderModel(model: { data: Record<string, unknown> }): Promise<void> {
      const root = this.node;
      root.textContent = "";
      this.addClass("lecture3-confusion");
      const data = model.data[CONFUSION_MIME] as ConfusionData;
      if (!data || data.format !== "lecture3-confusion/1") {
        root.dataset.state = "error";
        root.append(el("div", "color:#b00;padding:6px", "この出力は confusionView の形式ではありません (ライブラリと拡張機能の版が違う?)。セルを実行し直してください。"));
        return;
      }
      const { classes, matrix, shape, examples: ex, limit } = data;
      const per = shape[0] * shape[1] * shape[2];
      const pixels = fromBase64(ex.pixels);
      const mostWrong = Math.max(0, ...matrix.flatMap((row, t) => row.filter((_, p) => p !== t)));
      const max = Math.max(mostWrong, 1);
      const row = el("div", "display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap;padding:4px;font-size:13px");
      const table = el("table", "border-collapse:collapse");
      const th = "padding:2px 4px;font-weight:normal;color:#555";
      const head = el("tr");
      head.append(el("th", th, "正解＼予測"), ...classes.map((c) => el("th", th, c)));
      table.append(head);
      const detail = el("div", "max-width:40em");
      detail.className = "lecture3-confusion-detail";
      detail.textContent = "マスをクリックすると、その (正解, 予測) の組のテスト画像が出ます。";
      matrix.forEach((counts, t) => {
        const tr = el("tr");
        tr.append(el("th", th, classes[t]));
        counts.forEach((n, p) => {
          const cell = el("td", "padding:0");
          // wrong cells red by count, the diagonal blue
          const shade = t === p ? "#dde8f5" : `rgba(214,39,40,${(0.7 * n) / max})`;
          const b = el("button", `width:3.6em;padding:3px 2px;border:1px solid #ddd;background:${shade};font-variant-numeric:tabular-nums;cursor:pointer`, String(n));
          b.className = "lecture3-confusion-cell";
          b.dataset.cell = `${t},${p}`;
          b.title = `正解 ${classes[t]} → 予測 ${classes[p]}: ${n} 枚`;
          b.addEventListener("click", () => this.showCell(detail, data, pixels, per, t, p));
          cell.append(b);
          tr.append(cell);
        });
        table.append(tr);
      });
      row.append(table, detail);
      const total = matrix.flat().reduce((a, b) => a + b, 0);
      const right = matrix.reduce((s, r, t) => s + r[t], 0);
      root.append(el("div", "padding:4px;font-size:13px", `混同行列: テスト画像 ${total} 枚、正解率 ${((100 * right) / total).toFixed(2)}% (行 = 正解、列 = 予測)。${limit.wrong >= mostWrong ? "間違えた画像はすべて" : `間違えた画像は 1 マス ${limit.wrong} 枚まで`}、正解のマスは最初の ${limit.correct} 枚を載せています。`), row);
      root.dataset.state = "ready";
    }

    private showCell(detail: HTMLElement, data: ConfusionData, pixels: Uint8Array, per: number, t: number, p: number): void {
      const { classes, examples: ex, matrix } = data;
      const count = matrix[t][p];
      const shown = ex.index.map((_, j) => j).filter((j) => ex.target[j] === t && ex.pred[j] === p);
      detail.textContent = "";
      const missing = count - shown.length;
      detail.append(el("div", "font-weight:bold;margin-bottom:4px", `正解 ${classes[t]} → 予測 ${classes[p]}: ${count} 枚${missing > 0 ? ` (最初の ${shown.length} 枚を表示)` : ""}`));
      const grid = el("div", "display:flex;flex-wrap:wrap;gap:6px");
      for (const j of shown) {
        const fig = el("figure", "margin:0;text-align:center;font-size:11px;line-height:1.3");
        const canvas = picture(pixels.subarray(j * per, (j + 1) * per), data.shape);
        canvas.className = "lecture3-confusion-image";
        canvas.dataset.index = String(ex.index[j]);
        const pr = ex.probs[j];
        const cap = el("figcaption", "", `#${ex.index[j]}`);
        cap.append(el("br"), `予測 ${classes[p]}: ${(100 * pr[p]).toFixed(1)}%`);
        if (t !== p) cap.append(el("br"), `正解 ${classes[t]}: ${(100 * pr[t]).toFixed(1)}%`);
        fig.append(canvas, cap);
        grid.append(fig);
      }
      if (count === 0) grid.append(el("div", "color:#555", "この組の画像はありません。"));
      detail.append(grid);
      Object.assign(this.node.dataset, { cell: `${t},${p}`, count: String(count), indices: JSON.stringify(shown.map((j) => ex.index[j])) });
    }
  }
  return new Confusion();
}
