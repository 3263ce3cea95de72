// The browser platform: the library's displays become the kernel's display_data / update_display_data messages
// (the worker posts them to the page, site/kernel/extension.js); data files are fetched from the site's own origin.
import { setDisplaySink } from "../core/display";

let base = "";

export function installBrowserPlatform(o: { post: (m: unknown) => void; baseUrl: string }): void {
  base = o.baseUrl;
  setDisplaySink((data, id, update) =>
    o.post({ type: update ? "update_display_data" : "display_data", bundle: { data, metadata: {}, transient: id ? { display_id: id } : {} } }),
  );
}
/** A file of the site (e.g. "data/mnist/t10k-labels-idx1-ubyte"), fetched from the site's own origin. */
export async function siteFile(name: string): Promise<Uint8Array> {
  const url = new URL(name, base).href;
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}。サイトの ${name} がありません。npm run site で作り直してください。`);
  return new Uint8Array(await r.arrayBuffer());
}
