// One live line per epoch, like tqdm:  epoch 1/3 |█████░░░░░| 300/600 loss 0.412 | 3,100 samples/s | 残り 10 s
// In JupyterLab the line redraws in place; an executed notebook keeps only its last state
// (display updates replace the output), so nbconvert output stays a few lines per run.
// Outside a notebook only the final line of each epoch is printed.
import { inNotebook, LiveDisplay } from "./display";

function bar(frac: number, width = 20): string {
  const full = Math.round(frac * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

function secs(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)} 分 ${Math.round(s % 60)} 秒` : `${s.toFixed(s < 10 ? 1 : 0)} 秒`;
}

export class ProgressLine {
  private readonly display = inNotebook() ? new LiveDisplay() : null;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private samples = 0;

  constructor(readonly total: number, readonly label: string, readonly minIntervalMs = 250) {}

  /** After batch `done` (1-based) of `total`; `batchSize` samples were just processed. */
  tick(done: number, batchSize: number, loss?: number): void {
    this.samples += batchSize;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = now;
    const elapsed = (now - this.t0) / 1000;
    const rate = this.samples / Math.max(elapsed, 1e-9);
    const left = ((this.total - done) * elapsed) / Math.max(done, 1);
    const text =
      `${this.label} |${bar(done / this.total)}| ${done}/${this.total}` +
      (loss !== undefined ? ` loss ${loss.toFixed(4)}` : "") +
      ` | ${Math.round(rate).toLocaleString("en-US")} samples/s | ` +
      (done < this.total ? `残り ${secs(left)}` : `${secs(elapsed)}`);
    this.draw(text);
  }

  /** Replaces the line with a final summary. */
  finish(summary: string): void {
    this.draw(summary, true);
  }

  private draw(text: string, final = false): void {
    if (this.display) this.display.update({ "text/plain": text });
    else if (final) console.log(text);
  }

  get seconds(): number {
    return (Date.now() - this.t0) / 1000;
  }
}
