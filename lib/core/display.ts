// Rich output in a notebook: one display message may carry several MIME types at once, e.g. a plotly figure as
// JSON for JupyterLab plus HTML for nbconvert's HTML export. The messages go where the platform says
// (lib/core/platform.ts: in tslab, the running cell); outside a notebook the text/plain part is printed instead.
import { platform, type MimeBundle, type Output } from "./platform";

export type { MimeBundle };

let override: Output | null = null;

/** Routes display messages elsewhere (tests); null restores the platform's. */
export function setDisplaySink(sink: Output | null): void {
  override = sink;
}

/** Where output goes now (bound to the running cell), or null outside a notebook. */
function outputNow(): Output | null {
  return override ?? platform().output();
}

/** True inside a notebook (JupyterLab, nbconvert). */
export function inNotebook(): boolean {
  return outputNow() !== null;
}

function printText(data: MimeBundle): void {
  if (typeof data["text/plain"] === "string") console.log(data["text/plain"]);
}

/** Shows a MIME bundle once. */
export function show(data: MimeBundle): void {
  const out = outputNow();
  if (out) out(data, { update: false });
  else printText(data);
}

/** A fresh id for a display (16 hex digits). */
export function newDisplayId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * One output area that can be redrawn in place (a progress line, a live chart). It stays in the cell that made it:
 * a loop the kernel stopped waiting for cannot draw into the cells that run after it.
 */
export class LiveDisplay {
  private id = newDisplayId();
  private readonly out = outputNow();
  /** true when it draws into a notebook (false: it prints its first text/plain) */
  readonly inNotebook = this.out !== null;
  /** true once something was drawn */
  shown = false;
  /** Draws `data`, replacing what this display showed before. */
  update(data: MimeBundle): void {
    if (this.out) this.out(data, { id: this.id, update: this.shown });
    else if (!this.shown) printText(data);
    this.shown = true;
  }
  /**
   * Draws `data` as a new output at the end of the cell, below what the cell printed since this display was first
   * drawn, and leaves its old place empty (JupyterLab and an executed notebook's HTML export then read in order).
   */
  moveDown(data: MimeBundle): void {
    if (this.out && this.shown) this.out({ "text/plain": "" }, { id: this.id, update: true });
    this.id = newDisplayId();
    this.shown = false;
    this.update(data);
  }
}
