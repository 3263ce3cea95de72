// The WebAssembly backend on every core: tfjs-backend-wasm's threaded SIMD build, loaded in node.
//
// Stock tfjs-backend-wasm 4.22 runs single-threaded in node (WASM_HAS_MULTITHREAD_SUPPORT is false there,
// tfjs #3830) although it ships the threaded build (XNNPACK on a pthreadpool; Emscripten pthreads are
// worker_threads sharing one WebAssembly.Memory). Two things stop it:
//   1. its loader hands Emscripten the pthread worker as a blob: URL, which node's worker_threads cannot start:
//      here the worker is lib/wasm-thread-worker.js, the same shipped source started from a file;
//   2. the C++ side caps the pool at half of emscripten_num_logical_cores() (it assumes two hyper-threads a
//      core; backend.cc `num_cores`), i.e. one thread on a 2-core machine: here that import answers
//      2 × `threads`, so the pool gets `threads` (at most 8, the build's pre-started workers).
// Everything else is tfjs's own BackendWasm and kernels (and lib/wasm-kernels.ts on top).
// Measured (2-core machine, conv2d [100, 26, 26, 32] × [3, 3, 32, 64]): 47 ms on one thread, 24.5 ms on two.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";

/** The Emscripten module, as far as this file uses it. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
  tfjs?: Record<string, unknown>;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** How many threads the threaded build uses: every logical core, at most the 8 workers the build pre-starts. */
export function wasmThreads(): number {
  return Math.max(1, Math.min(8, os.availableParallelism?.() ?? os.cpus().length));
}

async function loadThreaded(threads: number): Promise<EmscriptenModule> {
  const out = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js"));
  const script = path.join(out, "tfjs-backend-wasm-threaded-simd.js");
  const binary = path.join(out, "tfjs-backend-wasm-threaded-simd.wasm");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const factory = require(script) as Factory;
  // it ships beside this file in lib/node/; the compiled copy of this file runs from lib/dist/node/
  const worker = path.join(__dirname, path.basename(path.dirname(__dirname)) === "dist" ? "../../node" : ".", "wasm-thread-worker.js");
  if (!fs.existsSync(worker)) throw new Error(`${worker} is missing (the WebAssembly backend's thread worker ships in lib/): restore it with git checkout lib/`);
  const compiled = await WebAssembly.compile(fs.readFileSync(binary));
  const before = { uncaughtException: process.listeners("uncaughtException"), unhandledRejection: process.listeners("unhandledRejection") };
  const pending = factory({
    locateFile: (file: string, prefix: string) => (file.endsWith(".worker.js") ? worker : prefix + file),
    mainScriptUrlOrBlob: script, // what each worker loads (a path: no Blob in node)
    instantiateWasm: (imports: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
      imports.env.emscripten_num_logical_cores = () => 2 * threads; // see 2. above
      const instance = new WebAssembly.Instance(compiled, imports as WebAssembly.Imports); // errors reject the factory's promise
      receive(instance, compiled);
      return instance.exports;
    },
  });
  // Emscripten's node glue rethrows every uncaught exception and unhandled rejection from listeners of its own (a
  // kernel would die on any stray rejection, its error printed inside a 55 kB line of minified glue). The factory
  // adds them as it starts; they are taken off again however the loading ends.
  const added = (["uncaughtException", "unhandledRejection"] as const).flatMap((event) => {
    const had: unknown[] = before[event];
    return process.listeners(event as "uncaughtException").filter((l) => !had.includes(l)).map((l) => [event, l] as const);
  });
  let module: EmscriptenModule;
  try {
    module = await pending;
  } finally {
    for (const [event, l] of added) process.removeListener(event as "uncaughtException", l);
  }
  // the same wrappers tfjs's own init() adds (BackendWasm calls them)
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  return module;
}

/**
 * Registers the threaded build as the "wasm" backend (instead of stock's single-threaded factory).
 * Call before tf.setBackend("wasm"). The workers are unref'd: they only ever work while the main thread
 * waits for them inside a kernel, so they must not keep a finished script's process alive.
 */
export function registerThreadedWasm(threads = wasmThreads()): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { BackendWasm } = require("@tensorflow/tfjs-backend-wasm") as { BackendWasm: new (m: EmscriptenModule) => tf.KernelBackend };
  if (tf.findBackendFactory("wasm")) tf.removeBackend("wasm");
  tf.registerBackend("wasm", async () => {
    const module = await loadThreaded(threads);
    const backend = new BackendWasm(module); // runs init_with_threads_count: the pool starts here
    for (const w of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) w.unref();
    return backend;
  }, 2);
}
