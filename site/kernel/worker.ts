// The TypeScript kernel's Web Worker: it type-checks each cell as tslab does (typecheck.ts, with the type bundle
// cell-types.json that npm run site writes beside this file), transpiles it (transform.ts) and runs it; console
// output, the library's displays and errors go to the page as Jupyter messages (plugin.js turns them into the protocol's).
// Imports of "lecture3" and "@tensorflow/tfjs" resolve to the copies bundled into this file: nothing is fetched.
import ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import * as lecture3 from "./lecture3-entry";
import { transformCell, CellSyntaxError } from "./transform";
import { CellChecker, setJapanese, typeErrorReply, type CellCheck, type TypeBundle } from "./typecheck";
import { inspect } from "./inspect";
import { hasFile, loadFiles, readFile, writeFile } from "../../lib/browser/storage";
import * as path from "./shims/path";

declare const self: DedicatedWorkerGlobalScope & { __lecture3: unknown; __lecture3_typecheck: TypeCheckState };
const post = (msg: unknown) => self.postMessage(msg);
const devConsole = { warn: console.warn.bind(console) }; // the browser's console (console.* below go to the cell)
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

// ---- the type check (typecheck.ts): the type bundle is fetched from this worker's own folder when the worker
// starts, then one check of the imports parses and binds its files (seconds, once). A cell waits for that (at most
// TYPES_WAIT_MS); without the bundle (not there, not loaded in time) or when the check itself throws, the cell runs
// unchecked, as before, and so do the later ones (checkOff). A cell with a type error does not run (as in tslab).
// What it cost is kept in globalThis.__lecture3_typecheck (a cell can read it; test/site/site.spec.js prints it).
interface TypeCheckState { state: "loading" | "ready" | "failed"; error?: string; bytes?: number; loadMs?: number; warmMs?: number; ms: number[] }
const typecheck: TypeCheckState = (self.__lecture3_typecheck = { state: "loading", ms: [] });
const TYPES_WAIT_MS = 60000;
let checker: CellChecker | null = null;
let typesReady: Promise<void> = Promise.resolve();
function loadTypes(): void {
  const t0 = performance.now();
  typesReady = (async () => {
    const res = await fetch(new URL("cell-types.json", self.location.href).href);
    if (!res.ok) throw new Error(`cell-types.json: HTTP ${res.status}`);
    const bytes = await res.arrayBuffer();
    typecheck.bytes = bytes.byteLength;
    const bundle = JSON.parse(new TextDecoder().decode(bytes)) as TypeBundle;
    if (bundle.typescript !== ts.version) throw new Error(`cell-types.json is TypeScript ${bundle.typescript}'s, the worker has ${ts.version}`);
    if (bundle.ja) setJapanese(ts, bundle.ja);
    const c = new CellChecker(ts, bundle);
    typecheck.loadMs = Math.round(performance.now() - t0);
    c.check('import "lecture3";\nimport "@tensorflow/tfjs";'); // parse and bind the lib and package files once
    typecheck.warmMs = Math.round(performance.now() - t0) - typecheck.loadMs;
    if (typecheck.state === "loading") {
      checker = c;
      typecheck.state = "ready";
    }
  })().catch((e) => void checkOff(String(e)));
}

// Once a cell has run unchecked, the checker's prelude lacks its declarations: later cells would get false "not
// defined" errors, so the check stays off for the rest of this kernel (until Kernel > Restart).
function checkOff(why: string): null {
  checker = null;
  if (typecheck.state !== "failed") devConsole.warn(`[lecture3] 型チェックなしで実行します: ${why}`);
  typecheck.state = "failed";
  typecheck.error ??= why;
  return null;
}

async function typeCheck(code: string): Promise<CellCheck | null> {
  if (!checker && typecheck.state === "loading") await Promise.race([typesReady, new Promise((r) => setTimeout(r, TYPES_WAIT_MS))]);
  if (!checker) return checkOff(typecheck.error ?? `the type bundle was not loaded within ${TYPES_WAIT_MS / 1000} s`);
  try {
    const check = checker.check(code);
    typecheck.ms.push(check.ms);
    return check;
  } catch (e) {
    return checkOff(`the check threw: ${e instanceof Error ? e.stack : e}`);
  }
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
  let check: CellCheck | null = null;
  let ran = false;
  try {
    check = await typeCheck(code);
    if (check && check.diagnostics.length > 0) {
      const bundle = typeErrorReply(check.diagnostics);
      record.ok = false;
      record.error = bundle.evalue; // as the tslab edition records it: "2:19 - ..."
      post({ type: "execute_error", bundle });
      return { status: "error", execution_count: executionCount, ...bundle };
    }
    const { body, names } = transformCell(ts, code);
    for (const n of names) if (!(n in scope)) scope[n] = undefined;
    const fn = new AsyncFunction("__scope", "__import", body);
    ran = true;
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
    // the cell ran (to its end or not): its declarations are known to the next cells' check, as its names stay in
    // the scope (tslab forgets those of a cell that threw; typecheck.ts)
    if (ran && check) {
      try {
        check.commit();
      } catch (e) {
        checkOff(`the prelude's update threw: ${e instanceof Error ? e.stack : e}`); // the next checks would be wrong
      }
    }
  }
}

let chain: Promise<unknown> = Promise.resolve();
self.onmessage = (ev: MessageEvent) => {
  const msg = ev.data;
  if (msg.type === "init") {
    lecture3.installBrowserPlatform({ post, baseUrl: msg.baseUrl, kernel: kernelState });
    loadTypes();
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
