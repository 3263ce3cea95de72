
// lecture3 (appended to JupyterLite's service-worker.js by scripts/site.sh; docs/site.md): the files a notebook
// saved in the site's kernel (model.save("models/mlp.json"): lib/browser/storage.ts keeps them in the browser's
// IndexedDB "lecture3-files") are answered at the site's files/ URLs, where JupyterLab's pages look for a file
// next to the notebook (a renderer's resolver.getDownloadUrl, e.g. drawDigit(model, { file }) in @lecture3/views).
// A path with no saved file goes on to the site's own files, as before.
maybeFromCache = ((plain) => async (e) => (await lecture3SavedFile(e.request)) || plain(e))(maybeFromCache);
let lecture3Files = null;
function lecture3OpenFiles() {
  return (lecture3Files ??= new Promise((resolve, reject) => {
    const request = indexedDB.open("lecture3-files", 1); // as storage.ts opens it (same version, same store)
    request.onupgradeneeded = () => request.result.createObjectStore("files");
    request.onsuccess = () => {
      request.result.onversionchange = () => { request.result.close(); lecture3Files = null; };
      resolve(request.result);
    };
    request.onerror = () => { lecture3Files = null; reject(request.error); };
  }));
}
async function lecture3SavedFile(request) {
  const prefix = new URL("./files/", location.href).pathname; // the site's root is this worker's folder
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith(prefix)) return null;
  const name = decodeURIComponent(url.pathname.slice(prefix.length)).replace(/^(\.\/)+/, ""); // storage.ts's key
  try {
    const db = await lecture3OpenFiles();
    const bytes = await new Promise((resolve, reject) => {
      const get = db.transaction("files").objectStore("files").get(name);
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    if (!bytes) return null;
    const type = name.endsWith(".json") ? "application/json" : "application/octet-stream";
    return new Response(bytes, { status: 200, headers: { "Content-Type": type, "Cache-Control": "no-store" } });
  } catch (error) {
    console.warn(`lecture3: ${name} を保存領域から読めません`, error);
    return null;
  }
}
