// Node's fs for what the worker's bundle names but a browser never reaches (typescript.js's Node paths): files in
// memory only. The library's files go through its platform instead (lib/browser/storage.ts, kept in IndexedDB).
const files = new Map<string, Uint8Array>();
const key = (p: string) => p.replace(/^(\.\/)+/, "");
const enoent = (p: string) => Object.assign(new Error(`ENOENT: ファイル ${p} がありません (ブラウザの保存領域)。先に保存するセルを実行してください。`), { code: "ENOENT" });

export function writeFileSync(p: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
  files.set(key(p), bytes);
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
  files.set(key(to), b);
}
export function rmSync(p: string): void {
  const k = key(p);
  for (const f of [...files.keys()]) if (f === k || f.startsWith(k + "/")) files.delete(f);
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
