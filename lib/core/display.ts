// Rich output in a tslab notebook: one display message may carry several MIME types at once
// (tslab's own display.raw sends one), e.g. a plotly figure as JSON for JupyterLab plus HTML for
// nbconvert's HTML export. Outside a notebook (node, jest) the text/plain part is printed instead.
import { randomBytes } from "crypto";

export type MimeBundle = Record<string, unknown>;
export type DisplaySink = (data: MimeBundle, displayId: string | undefined, update: boolean) => void;

let override: DisplaySink | null = null;

/** Routes display messages elsewhere (tests); null restores the default. */
export function setDisplaySink(sink: DisplaySink | null): void {
  override = sink;
}

function kernelSink(): DisplaySink | null {
  let jupyter: { lastWriteDisplayData?: ((msg: unknown, update: boolean) => void) | null };
  try {
    // tslab's kernel sets this while it runs a cell; it is null in plain node.
    jupyter = require("tslab/dist/jupyter");
  } catch {
    return null;
  }
  const write = jupyter.lastWriteDisplayData;
  if (typeof write !== "function") return null;
  return (data, id, update) => write({ data, metadata: {}, transient: id ? { display_id: id } : {} }, update);
}

/** True inside a tslab kernel (JupyterLab or nbconvert). */
export function inNotebook(): boolean {
  return override !== null || kernelSink() !== null;
}

function send(data: MimeBundle, id: string | undefined, update: boolean): void {
  const sink = override ?? kernelSink();
  if (sink) sink(data, id, update);
  else if (!update && typeof data["text/plain"] === "string") console.log(data["text/plain"]);
}

/** Shows a MIME bundle once. */
export function show(data: MimeBundle): void {
  send(data, undefined, false);
}

/** One output area that can be redrawn in place (a progress line, a live chart). */
export class LiveDisplay {
  private readonly id = randomBytes(8).toString("hex");
  /** true once something was drawn */
  shown = false;
  /** Draws `data`, replacing what this display showed before. */
  update(data: MimeBundle): void {
    send(data, this.id, this.shown);
    this.shown = true;
  }
}
