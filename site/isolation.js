
// lecture3 (appended to JupyterLite's service-worker.js by scripts/site.sh; docs/site.md): the site's responses carry
// COOP/COEP, so that a page this worker controls is cross-origin isolated: SharedArrayBuffer, and so TF.js's threaded
// WebAssembly in the kernel's worker. Everything the site loads is its own (no request leaves the origin), so
// require-corp blocks nothing. A static server cannot send these headers itself (python3 -m http.server, a USB stick).
maybeFromCache = ((plain) => async (e) => lecture3Isolate(await plain(e)))(maybeFromCache);
function lecture3Isolate(r) {
  if (!r || r.status === 0 || [101, 204, 205, 304].includes(r.status)) return r;
  const headers = new Headers(r.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers });
}
