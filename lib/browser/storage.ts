// Files in the browser: the core reads and writes them synchronously (Module.save / Module.load through the
// platform), so they live in memory, and every write also goes to the browser's IndexedDB (database
// "lecture3-files"): a model a student saved is still there after a reload. loadFiles() fills the memory copy
// from IndexedDB; the kernel's worker awaits it before the first cell runs.
const files = new Map<string, Uint8Array>();
const STORE = "files";
let db: IDBDatabase | null = null;

/** Opens the browser's store and reads every saved file into memory. */
export async function loadFiles(): Promise<void> {
  db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open("lecture3-files", 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const request = db!.transaction(STORE).objectStore(STORE).openCursor();
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve();
      files.set(String(cursor.key), cursor.value as Uint8Array);
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

/** "./models/mlp.json" and "models/mlp.json" are one file. */
const key = (name: string) => name.replace(/^(\.\/)+/, "");

/** Whether a file was saved under `name`. */
export function hasFile(name: string): boolean {
  return files.has(key(name));
}

/** The bytes of a saved file; a Japanese error that says what to run when there is none. */
export function readFile(name: string): Uint8Array {
  const bytes = files.get(key(name));
  if (!bytes) throw new Error(`ファイル ${name} がありません (ブラウザの保存領域)。先にそれを保存するセルを実行してください。`);
  return bytes;
}

/** Keeps `bytes` under `name`: in memory at once (whole, never half written), in IndexedDB in the background. */
export function writeFile(name: string, bytes: Uint8Array): void {
  const copy = new Uint8Array(bytes); // the caller's buffer may be reused
  files.set(key(name), copy);
  db?.transaction(STORE, "readwrite").objectStore(STORE).put(copy, key(name));
}
