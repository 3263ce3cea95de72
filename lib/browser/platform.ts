// The core's platform (lib/core/platform.ts) in the site's kernel, a Web Worker (site/kernel/worker.ts): displays
// become the kernel's display_data / update_display_data messages (the worker posts them to the page), the
// interrupt count and the cells come from the worker's own record, files live in the browser (storage.ts), the
// data files are fetched from the site's own origin, and PNGs (plot.showPng) are made by the node edition's encoder
// (pure code on Buffer and zlib's deflateSync, which the site's bundle provides: site/kernel/shims/).
import { setPlatform, type CellRecord, type Platform } from "../core/platform";
import { encodePng } from "../node/png";
import { readFile, writeFile } from "./storage";

/** What the worker records: every cell run and the number of Kernel > Interrupt requests. */
export interface KernelRecord {
  interrupts: number;
  cells: CellRecord[];
  current: CellRecord | null;
}

let base = "";

export function installBrowserPlatform(options: { post: (message: unknown) => void; baseUrl: string; kernel: KernelRecord }): void {
  base = options.baseUrl;
  const { post, kernel } = options;
  const browserPlatform: Platform = {
    name: "browser",
    output: () => (data, { id, update }) =>
      post({ type: update ? "update_display_data" : "display_data", bundle: { data, metadata: {}, transient: id ? { display_id: id } : {} } }),
    interruptCount: () => kernel.interrupts,
    cells: () => kernel,
    autograding: () => false,
    readFile,
    writeFile,
    encodePng,
  };
  setPlatform(browserPlatform);
}

/** A file of the site (e.g. "data/mnist/t10k-labels-idx1-ubyte"), fetched from the site's own origin. */
export async function siteFile(name: string): Promise<Uint8Array> {
  const url = new URL(name, base).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}。サイトの ${name} がありません。npm run site で作り直してください。`);
  return new Uint8Array(await response.arrayBuffer());
}
