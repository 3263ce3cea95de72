// drawDigit's view: draw a digit with mouse, pen or finger (pointer events) and watch the trained model's ten
// probabilities move. The strokes become the 28×28 input as MNIST's digits were made (mnistInput), normalized as the
// notebook did, and the model the output carries (its forward as TensorFlow.js kernels, traced in the kernel) runs
// here on the cpu backend (runTraced). For the tests the view exposes what it computed: data-state
// ("empty" | "predicted" | "error"), data-input (the 784 normalized numbers), data-probs (the ten probabilities),
// data-ms (how long the model took) and data-source ("drawn", or "test:N" for the test image N chosen in the page
// when drawDigit was given `examples`).
import { fromBase64 } from "../../lib/core/bytes";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import { DRAW_DIGIT_MIME, mnistInput, runTraced, tracedConstants, type DrawDigitData, type StateFile } from "../../lib/core/plot/views";
import { picture } from "./confusion";
import type { HTMLWidget, Resolver } from "./extension";

const SIDE = 280; // the drawing canvas, in CSS pixels (10 per MNIST pixel)
const PEN = 20; // stroke width: about 2 of MNIST's pixels once the digit is scaled to 20×20

let backend: Promise<boolean> | null = null;

/** The kernels whose [1, H, W, C] outputs the view shows as feature maps (a convolution, its bias, ReLU, pooling). */
const MAP_KERNELS = new Set(["Conv2D", "FusedConv2D", "Add", "BiasAdd", "Relu", "MaxPool", "AvgPool"]);

/** C maps of H×W (channels last, as TF.js keeps them) as small grey pictures, each scaled to its own min..max. */
function mapRow(title: string, values: Float32Array, h: number, w: number, c: number, zoom: number): HTMLElement {
  const row = el("div", "display:flex;flex-wrap:wrap;gap:3px;align-items:center;margin:3px 0");
  row.append(el("span", "width:12em;color:#555", title));
  for (let ch = 0; ch < c; ch++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < h * w; i++) [lo, hi] = [Math.min(lo, values[i * c + ch]), Math.max(hi, values[i * c + ch])];
    const canvas = el("canvas", `width:${w * zoom}px;height:${h * zoom}px;image-rendering:pixelated;border:1px solid #ddd`);
    [canvas.width, canvas.height] = [w, h];
    const img = new ImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const g = hi > lo ? ((values[i * c + ch] - lo) / (hi - lo)) * 255 : 0;
      img.data.set([g, g, g, 255], i * 4);
    }
    canvas.getContext("2d")!.putImageData(img, 0, 0);
    row.append(canvas);
  }
  return row;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, style = "", text = ""): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  e.style.cssText = style;
  e.textContent = text;
  return e;
};

let Renderer: (new () => HTMLWidget & { renderModel(m: { data: Record<string, unknown> }): Promise<void> }) | null = null;

/** The model file drawDigit saved (`file`, relative to the notebook), read through the Jupyter server's contents. */
async function readModelFile(file: string, resolver: Resolver | null): Promise<StateFile> {
  if (!resolver) throw new Error(`モデルのファイル ${file} を探す場所 (ノートブックのフォルダ) がわかりません`);
  const url = await resolver.getDownloadUrl(await resolver.resolveUrl(file));
  const r = await fetch(url, { credentials: "same-origin" });
  if (!r.ok) throw new Error(`モデルのファイル ${file} を読めません (HTTP ${r.status})。ノートブックと同じフォルダにありますか? drawDigit のセルを実行し直すと保存されます。`);
  const state = (await r.json()) as StateFile;
  if (state.format !== "lecture3-state-dict/1") throw new Error(`${file} は Module.save で保存したモデルのファイルではありません`);
  return state;
}

export function drawDigitRenderer(Widget: new () => HTMLWidget, resolver: Resolver | null) {
  Renderer ??= class DrawDigit extends Widget {
    private constants: Map<number, tf.Tensor> | null = null;
    resolver: Resolver | null = null;

    async renderModel(model: { data: Record<string, unknown> }): Promise<void> {
      this.free();
      this.node.textContent = "";
      this.addClass("lecture3-draw-digit");
      const data = model.data[DRAW_DIGIT_MIME] as DrawDigitData;
      try {
        if (!data || data.format !== "lecture3-draw-digit/1" || !data.graph || data.graph.format !== "lecture3-traced/1") {
          throw new Error("この出力は drawDigit の形式ではありません (ライブラリと拡張機能の版が違う?)。セルを実行し直してください。");
        }
        await (backend ??= tf.setBackend("cpu"));
        this.constants = tracedConstants(data.graph, data.file ? await readModelFile(data.file, this.resolver) : undefined);
        this.build(data);
      } catch (e) {
        this.node.dataset.state = "error";
        this.node.append(el("div", "color:#b00;padding:6px", `手書き数字の入力欄を表示できません: ${(e as Error).message}`));
      }
    }

    private build(data: DrawDigitData): void {
      const root = this.node;
      const row = el("div", "display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap;padding:4px");
      const canvas = el("canvas", `width:${SIDE}px;height:${SIDE}px;border:1px solid #888;background:#fff;touch-action:none;cursor:crosshair`);
      canvas.width = canvas.height = SIDE;
      canvas.className = "lecture3-draw-canvas";
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      const side = el("div", "display:flex;flex-direction:column;gap:6px;font-size:13px");
      const preview = el("canvas", "width:112px;height:112px;border:1px solid #ccc;image-rendering:pixelated;background:#000");
      preview.width = preview.height = 28;
      preview.className = "lecture3-draw-input";
      const clear = el("button", "width:112px", "消す (clear)");
      clear.className = "lecture3-draw-clear";
      side.append(el("div", "", "モデルへの入力 28×28"), preview, clear);
      const bars = el("div", "display:grid;grid-template-columns:1.5em 160px 4.5em;gap:3px 6px;align-items:center;font-size:13px");
      const fills: HTMLDivElement[] = [];
      const values: HTMLSpanElement[] = [];
      for (let d = 0; d < 10; d++) {
        const track = el("div", "height:14px;background:#eee");
        const fill = el("div", "height:100%;width:0;background:#1f77b4");
        track.append(fill);
        const v = el("span", "text-align:right;font-variant-numeric:tabular-nums");
        bars.append(el("span", "text-align:right", String(d)), track, v);
        fills.push(fill);
        values.push(v);
      }
      const status = el("div", "padding:4px;font-size:13px");
      status.className = "lecture3-draw-status";
      const choices = el("div", "display:flex;flex-wrap:wrap;gap:4px;align-items:center;padding:4px;font-size:13px");
      choices.className = "lecture3-draw-examples";
      const buttons: HTMLButtonElement[] = [];
      row.append(canvas, side, bars);
      if (data.examples) {
        // test images to choose instead of drawing: a click feeds that image (its own bytes) to the model
        const ex = data.examples;
        const bytes = fromBase64(ex.pixels);
        choices.append(el("span", "color:#555", "テスト画像で試す:"));
        ex.index.forEach((index, k) => {
          const b = el("button", "padding:1px;border:2px solid #ccc;background:#000;cursor:pointer;line-height:0");
          b.className = "lecture3-draw-example";
          b.dataset.index = String(index);
          b.title = `テスト画像 #${index} (正解 ${ex.label[k]})`;
          const pic = picture(bytes.subarray(k * 784, (k + 1) * 784), [28, 28, 1]); // as the confusion view draws its images
          pic.style.cssText = "width:42px;height:42px;image-rendering:pixelated";
          b.append(pic);
          b.addEventListener("click", () => {
            ctx.clearRect(0, 0, SIDE, SIDE);
            buttons.forEach((o) => (o.style.borderColor = o === b ? "#d62728" : "#ccc"));
            const pixels = Float32Array.from(bytes.subarray(k * 784, (k + 1) * 784), (v) => v / 255);
            show(pixels, true, `テスト画像 #${index} (正解 ${ex.label[k]})`, `test:${index}`);
          });
          buttons.push(b);
          choices.append(b);
        });
      }
      const inside = el("div", "padding:4px;font-size:12px");
      inside.className = "lecture3-draw-inside";
      root.append(row, ...(data.examples ? [choices] : []), status, inside);
      const filters = this.filters(data);

      const empty = (why: string) => {
        root.dataset.state = "empty";
        delete root.dataset.input;
        delete root.dataset.probs;
        delete root.dataset.source;
        status.textContent = why;
        fills.forEach((f) => (f.style.width = "0"));
        values.forEach((v) => (v.textContent = ""));
        preview.getContext("2d")!.clearRect(0, 0, 28, 28);
        delete root.dataset.maps;
        inside.replaceChildren(...filters);
      };
      // the feature maps cost most of a prediction for a large CNN (drawing 96 maps): shown when a stroke ends
      const predict = (withMaps = false) => {
        const ink = ctx.getImageData(0, 0, SIDE, SIDE).data.filter((_, i) => i % 4 === 3); // alpha: the strokes
        const pixels = mnistInput(ink, SIDE, SIDE);
        buttons.forEach((o) => (o.style.borderColor = "#ccc"));
        if (!pixels) return empty("何も描かれていないので予測しません。枠の中に数字を大きく描いてください。");
        show(pixels, withMaps, "描いた数字", "drawn");
      };
      /** The model on a 28×28 input in [0, 1] (a drawing or a test image), named `what` in the status line. */
      const show = (pixels: Float32Array, withMaps: boolean, what: string, source: string) => {
        const img = new ImageData(28, 28);
        pixels.forEach((p, i) => img.data.set([p * 255, p * 255, p * 255, 255], i * 4));
        preview.getContext("2d")!.putImageData(img, 0, 0);
        const { mean, std } = data.normalize;
        const input = pixels.map((p) => (p - mean) / std);
        try {
          const t0 = performance.now();
          const maps: { name: string; shape: number[]; values: Float32Array }[] = [];
          const probs = tf.tidy(() => {
            const y = runTraced(data.graph, this.constants!, tf.tensor(input, data.graph.input.shape), (k, outs) => {
              if (withMaps && MAP_KERNELS.has(k.name) && outs[0].rank === 4) maps.push({ name: k.name, shape: outs[0].shape, values: outs[0].dataSync() as Float32Array });
            });
            return tf.softmax(y).dataSync() as Float32Array;
          });
          if (withMaps) {
            inside.replaceChildren(...filters, ...maps.map((m) => mapRow(`${m.name} [${m.shape}]`, m.values, m.shape[1], m.shape[2], m.shape[3], 2)));
            root.dataset.maps = JSON.stringify(maps.map((m) => ({ name: m.name, shape: m.shape, sum: m.values.reduce((a, b) => a + b, 0) })));
          } else delete root.dataset.maps; // the maps shown are the last stroke's
          const best = probs.indexOf(Math.max(...probs));
          probs.forEach((p, d) => {
            fills[d].style.width = `${(p * 100).toFixed(1)}%`;
            fills[d].style.background = d === best ? "#d62728" : "#1f77b4";
            values[d].textContent = `${(p * 100).toFixed(1)}%`;
          });
          root.dataset.state = "predicted";
          root.dataset.source = source;
          root.dataset.input = JSON.stringify(Array.from(input));
          root.dataset.probs = JSON.stringify(Array.from(probs));
          root.dataset.ms = (performance.now() - t0).toFixed(1); // the model's time for this prediction
          status.textContent = `${what}: 予測 ${best} (${(probs[best] * 100).toFixed(1)}%)`;
        } catch (e) {
          root.dataset.state = "error";
          status.textContent = `予測できません: ${(e as Error).message}`;
        }
      };
      let queued = false;
      let full = false;
      const later = (withMaps = false) => {
        full ||= withMaps;
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          const f = full;
          full = false;
          predict(f);
        });
      };

      ctx.lineWidth = PEN;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.strokeStyle = ctx.fillStyle = "#000";
      let last: [number, number] | null = null;
      const at = (e: PointerEvent): [number, number] => {
        const r = canvas.getBoundingClientRect();
        return [((e.clientX - r.left) * SIDE) / r.width, ((e.clientY - r.top) * SIDE) / r.height];
      };
      canvas.addEventListener("pointerdown", (e) => {
        try {
          canvas.setPointerCapture(e.pointerId); // the stroke goes on when the pointer leaves the canvas
        } catch {
          /* a pointer the browser no longer tracks: draw without capture */
        }
        last = at(e);
        ctx.beginPath();
        ctx.arc(last[0], last[1], PEN / 2, 0, 2 * Math.PI);
        ctx.fill();
        later();
      });
      canvas.addEventListener("pointermove", (e) => {
        if (!last) return;
        const p = at(e);
        ctx.beginPath();
        ctx.moveTo(last[0], last[1]);
        ctx.lineTo(p[0], p[1]);
        ctx.stroke();
        last = p;
        later();
      });
      const up = () => {
        if (last) later(true);
        last = null;
      };
      canvas.addEventListener("pointerup", up);
      canvas.addEventListener("pointercancel", up);
      clear.addEventListener("click", () => {
        ctx.clearRect(0, 0, SIDE, SIDE);
        predict();
      });
      empty("枠の中に 0〜9 の数字を 1 つ描いてください。描くそばからモデルが予測します。");
    }

    /** conv1's filters (the first Conv2D's [kh, kw, 1, out] weights), one small picture each; none for an MLP. */
    private filters(data: DrawDigitData): HTMLElement[] {
      const conv = data.graph.kernels.find((k) => k.name === "Conv2D" || k.name === "FusedConv2D");
      const id = conv?.inputs.find(([n]) => n === "filter")?.[1];
      const w = id === undefined ? undefined : this.constants!.get(id);
      if (!w || w.rank !== 4 || w.shape[2] !== 1) return [];
      this.node.dataset.filters = String(w.shape[3]);
      return [el("div", "margin-top:6px", "モデルの中: conv1 のフィルタ (最初の Conv2D の重み) と、描いた数字 (または選んだテスト画像) に対する各層の出力 (特徴マップ)"), mapRow(`conv1 のフィルタ [${w.shape}]`, w.dataSync() as Float32Array, w.shape[0]!, w.shape[1]!, w.shape[3]!, 8)];
    }

    private free(): void {
      if (this.constants) tf.dispose([...this.constants.values()]);
      this.constants = null;
    }

    override dispose(): void {
      this.free();
      super.dispose();
    }
  } as unknown as typeof Renderer;
  const r = new Renderer!() as unknown as { resolver: Resolver | null };
  r.resolver = resolver;
  return r;
}
