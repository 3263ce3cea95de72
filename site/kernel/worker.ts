// The TypeScript kernel's Web Worker: it transpiles each cell (transform.ts) and runs it; console output, the
// library's displays and errors go to the page as Jupyter messages (plugin.js turns them into the protocol's).
// Imports of "lecture3" and "@tensorflow/tfjs" resolve to the copies bundled into this file: nothing is fetched.
import ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import * as lecture3 from "./lecture3-entry";
import { transformCell, CellSyntaxError } from "./transform";
import { inspect } from "./inspect";
import { hasFile, loadFiles, readFile, writeFile } from "../../lib/browser/storage";
import * as path from "./shims/path";

declare const self: DedicatedWorkerGlobalScope & { __lecture3: unknown };
const post = (msg: unknown) => self.postMessage(msg);
// "fs" in a notebook (04 keeps its training history beside its saved model): the synchronous calls notebooks use,
// on the browser's files (lib/browser/storage.ts: memory + IndexedDB); any other fails with a Japanese message
const fsCalls: Record<string, unknown> = {
  existsSync: (name: string) => hasFile(name),
  readFileSync: (name: string, options?: string | { encoding?: string }) => {
    const bytes = readFile(name);
    return (typeof options === "string" ? options : options?.encoding) ? new TextDecoder().decode(bytes) : bytes;
  },
  writeFileSync: (name: string, data: string | Uint8Array) => writeFile(name, typeof data === "string" ? new TextEncoder().encode(data) : data),
  mkdirSync: () => undefined, // folders are part of a file's name here
};
const fs: Record<string, unknown> = new Proxy(fsCalls, {
  get: (calls, name) => {
    if (typeof name !== "string" || name in calls) return calls[name as string];
    if (name === "then" || name === "default" || name === "__esModule") return name === "default" ? fs : undefined;
    throw new Error(`ブラウザ版の fs には ${name} がありません (使えるのは ${Object.keys(calls).join(", ")})。`);
  },
});
// "path" (06 names its photos with path.basename): the bundle's stand-in, plain "folder/name" strings (shims/path.ts)
const modules: Record<string, unknown> = { "lecture3": lecture3, "@tensorflow/tfjs": tf, "@tensorflow/tfjs-core": tf, "fs": fs, "node:fs": fs, "path": path, "node:path": path };
const scope: Record<string, unknown> = Object.create(null);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

function __import(name: string): unknown {
  const m = modules[name];
  if (m === undefined) {
    const node = ["os", "child_process"].includes(name);
    throw new Error(node
      ? `ブラウザ版では Node のモジュール "${name}" は使えません。ファイルの保存と読み込みは lecture3 の関数 (model.save / nn.Module.load など) を使ってください。`
      : `モジュール "${name}" はブラウザ版に入っていません。使えるのは "lecture3" と "@tensorflow/tfjs" です。`);
  }
  return m;
}

const write = (name: "stdout" | "stderr") => (...args: unknown[]) =>
  post({ type: "stream", bundle: { name, text: args.map((a) => inspect(a)).join(" ") + "\n" } });
console.log = console.info = console.debug = write("stdout");
console.error = console.warn = write("stderr");

function errorBundle(e: unknown) {
  const err = e instanceof Error ? e : new Error(String(e));
  const stack = (err.stack ?? "").split("\n").filter((l) => !/kernel-worker\.js/.test(l) || /^\s*at eval/.test(l));
  const head = `${err.name}: ${err.message}`;
  return { ename: err.name, evalue: err.message, traceback: [head, ...stack.filter((l) => l !== head && /^\s+at /.test(l))] };
}

// What the library's platform reports (lib/browser/platform.ts): every cell run (its code, whether it ran to the end,
// its error's first line) and the interrupt count, as scripts/tslab-preload.js records them in the tslab edition.
const kernelState: lecture3.KernelRecord = { interrupts: 0, cells: [], current: null };

let executionCount = 0;
async function execute(code: string) {
  executionCount++;
  const record: lecture3.KernelRecord["cells"][number] = { n: executionCount, code, ok: null };
  kernelState.cells.push(record);
  kernelState.current = record;
  try {
    const { body, names } = transformCell(ts, code);
    for (const n of names) if (!(n in scope)) scope[n] = undefined;
    const fn = new AsyncFunction("__scope", "__import", body);
    const value = await fn(scope, __import);
    record.ok = true;
    if (value !== undefined) post({ type: "execute_result", bundle: { execution_count: executionCount, data: { "text/plain": inspect(value) }, metadata: {} } });
    return { status: "ok", execution_count: executionCount, user_expressions: {} };
  } catch (e) {
    const bundle = e instanceof CellSyntaxError
      ? { ename: "SyntaxError", evalue: e.message, traceback: [`SyntaxError: ${e.message}`] }
      : errorBundle(e);
    record.ok = false;
    record.error = `${bundle.ename}: ${bundle.evalue}`.split("\n")[0];
    post({ type: "execute_error", bundle });
    return { status: "error", execution_count: executionCount, ...bundle };
  } finally {
    kernelState.current = null;
  }
}

let chain: Promise<unknown> = Promise.resolve();
self.onmessage = (ev: MessageEvent) => {
  const msg = ev.data;
  if (msg.type === "init") {
    lecture3.installBrowserPlatform({ post, baseUrl: msg.baseUrl, kernel: kernelState });
    loadFiles().catch((e) => write("stderr")(`ブラウザの保存領域 (IndexedDB) が開けません: ${e}`)).then(() => post({ type: "ready" }));
  } else if (msg.type === "interrupt") {
    kernelState.interrupts++; // the running loop sees it at its next mini-batch (lib/core/data/loader.ts)
  } else if (msg.type === "execute") {
    chain = chain.then(() => execute(msg.code)).then((content) => post({ type: "reply", id: msg.id, content }));
  } else if (msg.type === "complete") {
    const { code, cursor_pos } = msg.content;
    const word = (code.slice(0, cursor_pos).match(/[\w$]+$/) ?? [""])[0];
    const matches = Object.keys(scope).filter((k) => k.startsWith(word));
    post({ type: "reply", id: msg.id, content: { status: "ok", matches, cursor_start: cursor_pos - word.length, cursor_end: cursor_pos, metadata: {} } });
  }
};
self.addEventListener("unhandledrejection", (ev) => write("stderr")(`Unhandled promise rejection: ${errorBundle(ev.reason).traceback.join("\n")}`));
