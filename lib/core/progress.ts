// One live line per epoch, like tqdm:  エポック 1/3 |█████░░░░░| 300/600 損失 0.4120 | 3,100 枚/秒 | 残り 10 秒
// In JupyterLab the line redraws in place; an executed notebook keeps only its last state
// (display updates replace the output), so nbconvert output stays a few lines per run.
// Outside a notebook only the final line of each epoch is printed. fit() and trainEpoch() get it through hooks.ts,
// where this file installs itself when it loads.
import { inNotebook, LiveDisplay } from "./display";
import { installEpochLine, type EpochLine } from "./hooks";

function bar(frac: number, width = 20): string {
  const full = Math.round(frac * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

function secs(s: number): string {
  return s >= 60 ? `${Math.floor(s / 60)} 分 ${Math.round(s % 60)} 秒` : `${s.toFixed(s < 10 ? 1 : 0)} 秒`;
}

export class ProgressLine implements EpochLine {
  private readonly display: LiveDisplay | null;
  /** lines were printed in the cell after this line was first drawn (the mini-batch log): see printedBelow() */
  private linesBelow = false;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private samples = 0;
  /** set by finish(): false when the line may be drawn over by the next one */
  kept: boolean | undefined;

  readonly minIntervalMs: number;

  /** `minIntervalMs`: the least time between two redraws; `reuse`: draw over that line (its display) instead of adding a new one */
  constructor(readonly total: number, readonly label: string, { minIntervalMs = 250, reuse }: { minIntervalMs?: number; reuse?: ProgressLine } = {}) {
    this.minIntervalMs = minIntervalMs;
    this.display = reuse?.display ?? (inNotebook() ? new LiveDisplay() : null);
  }

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
      (loss !== undefined ? ` 損失 ${loss.toFixed(4)}` : "") +
      ` | ${Math.round(rate).toLocaleString("en-US")} 枚/秒 | ` +
      (done < this.total ? `残り ${secs(left)}` : `${secs(elapsed)}`);
    this.draw(text);
  }

  /** Shows `text` in place of the line (in a notebook; nothing is printed elsewhere). */
  show(text: string): void {
    this.draw(text);
  }

  /** The loop printed a line (console.log) below this one; a kept summary then goes below those lines. */
  printedBelow(): void {
    this.linesBelow = true;
  }

  /**
   * Replaces the line with a final summary; outside a notebook it is printed when `keep`. A kept summary of an epoch
   * whose mini-batch lines were printed below the live line moves below them, so the epoch reads in order.
   */
  finish(summary: string, keep = true): void {
    this.kept = keep;
    if (keep && this.linesBelow && this.display) this.display.moveDown({ "text/plain": summary });
    else this.draw(summary, keep);
  }

  private draw(text: string, print = false): void {
    if (this.display) this.display.update({ "text/plain": text });
    else if (print) console.log(text);
  }

  get seconds(): number {
    return (Date.now() - this.t0) / 1000;
  }
}

// fit() and trainEpoch() draw their epochs with it (hooks.ts)
installEpochLine((total, label, drawOver) => new ProgressLine(total, label, { reuse: drawOver instanceof ProgressLine ? drawOver : undefined }));
