// Node's fs, as far as the library uses it to save and load models, for the browser: files live in memory and in
// the browser's IndexedDB (database "lecture3-files"), so a saved model is still there after a reload.
// loadFiles() must finish before the first cell runs (the worker awaits it at start).
const files = new Map<string, Uint8Array>();
let db: IDBDatabase | null = null;
const STORE = "files";

export async function loadFiles(): Promise<void> {
  db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open("lecture3-files", 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  await new Promise<void>((resolve, reject) => {
    const r = db!.transaction(STORE).objectStore(STORE).openCursor();
    r.onsuccess = () => {
      const c = r.result;
      if (!c) return resolve();
      files.set(String(c.key), c.value as Uint8Array);
      c.continue();
    };
    r.onerror = () => reject(r.error);
  });
}

function persist(name: string, data: Uint8Array | null): void {
  if (!db) return;
  const store = db.transaction(STORE, "readwrite").objectStore(STORE);
  if (data) store.put(data, name);
  else store.delete(name);
}

const key = (p: string) => p.replace(/^(\.\/)+/, "");
const enoent = (p: string) => Object.assign(new Error(`ENOENT: ファイル ${p} がありません (ブラウザの保存領域)。先に保存するセルを実行してください。`), { code: "ENOENT" });

export function writeFileSync(p: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
  files.set(key(p), bytes);
  persist(key(p), bytes);
}
export function readFileSync(p: string, enc?: string | { encoding?: string }): string | Uint8Array {
  const b = files.get(key(p));
  if (!b) throw enoent(p);
  const e = typeof enc === "string" ? enc : enc?.encoding;
  return e ? new TextDecoder().decode(b) : b;
}
export function existsSync(p: string): boolean {
  const k = key(p);
  return files.has(k) || [...files.keys()].some((f) => f.startsWith(k + "/"));
}
export function renameSync(from: string, to: string): void {
  const b = files.get(key(from));
  if (!b) throw enoent(from);
  files.delete(key(from));
  persist(key(from), null);
  files.set(key(to), b);
  persist(key(to), b);
}
export function rmSync(p: string): void {
  const k = key(p);
  for (const f of [...files.keys()]) if (f === k || f.startsWith(k + "/")) { files.delete(f); persist(f, null); }
}
export function unlinkSync(p: string): void { rmSync(p); }
export function mkdirSync(): void {}
export function readdirSync(p: string): string[] {
  const k = key(p) === "." ? "" : key(p) + "/";
  return [...new Set([...files.keys()].filter((f) => f.startsWith(k)).map((f) => f.slice(k.length).split("/")[0]))];
}
export function statSync(p: string) {
  const b = files.get(key(p));
  if (!b && !existsSync(p)) throw enoent(p);
  return { size: b ? b.length : 0, isFile: () => !!b, isDirectory: () => !b, mtimeMs: 0 };
}
export default { writeFileSync, readFileSync, existsSync, renameSync, rmSync, unlinkSync, mkdirSync, readdirSync, statSync };
