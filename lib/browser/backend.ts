// The TensorFlow.js backend in the browser: WebGL (the laptop's GPU) where the browser has it, else WebAssembly
// (its files are served by the site, next to the kernel's worker) with the project's training kernels
// (lib/node/wasm-kernels.ts, TF.js code only), else the plain JavaScript cpu backend.
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../node/wasm-kernels"; // pure TF.js (test/lib-structure.test.ts says so)

export type BrowserBackend = "webgl" | "wasm" | "cpu";
let chosen: { backend: BrowserBackend; tfjs: string; skipped: string[]; threads?: number } | null = null;

/** useBackend("auto" | "webgl" | "wasm" | "cpu"): picks the first that loads, prints one line, returns the facts. */
export async function useBackend(requested = "auto", opts: { print?: boolean } = {}) {
  if (!["auto", "webgl", "wasm", "cpu"].includes(requested)) {
    throw new Error(`ブラウザ版の backend は auto, webgl, wasm, cpu のどれかです (${requested} ではなく)`);
  }
  if (chosen === null) {
    const order: BrowserBackend[] = requested === "auto" ? ["webgl", "wasm", "cpu"] : [requested as BrowserBackend];
    const skipped: string[] = [];
    setWasmPaths(new URL("./", self.location.href).href); // the .wasm files beside kernel-worker.js
    // threads need a cross-origin isolated page (SharedArrayBuffer; the site's service worker, site/isolation.js):
    // then a thread a logical core, at most 8 (the build's pre-started workers), as the node edition does
    // (lib/node/wasm-threads.ts): TF.js's C++ side caps its pool at half of emscripten_num_logical_cores(), which
    // reads navigator.hardwareConcurrency, so this worker's navigator answers twice the cores while the backend starts
    const cores = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
    if (self.crossOriginIsolated) setThreadsCount(cores);
    for (const name of order) {
      try {
        const soft = name === "webgl" && requested === "auto" ? softwareWebGL() : null;
        if (soft) throw new Error(`WebGL は GPU ではなくソフトウェア (${soft}) で動いています: WebAssembly のほうが速い`);
        const doubled = name === "wasm" && self.crossOriginIsolated;
        if (doubled) Object.defineProperty(navigator, "hardwareConcurrency", { value: 2 * cores, configurable: true });
        try {
          if (!(await tf.setBackend(name))) throw new Error("setBackend returned false");
          await tf.ready();
        } finally {
          if (doubled) delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
        }
        // the project's training kernels (conv gradients, transposed matMul, MaxPoolGrad, Tile, Sum): as in node
        if (name === "wasm") registerWasmTrainingKernels();
        chosen = { backend: name, tfjs: tf.version.tfjs, skipped, ...(name === "wasm" ? { threads: wasmThreads() } : {}) };
        break;
      } catch (e) {
        skipped.push(`${name}: ${(e as Error).message ?? e}`);
      }
    }
    if (chosen === null) throw new Error(`TensorFlow.js の backend がどれも使えません (${skipped.join("; ")})`);
  }
  const threads = chosen.threads === undefined ? "" : `, ${chosen.threads} スレッド${self.crossOriginIsolated ? "" : " (ページがクロスオリジン分離されていないので 1 つ)"}`;
  if (opts.print !== false) console.log(`backend: ${chosen.backend} (ブラウザ), tfjs ${chosen.tfjs}${threads}${chosen.skipped.length ? ` — 使えなかったもの: ${chosen.skipped.join("; ")}` : ""}`);
  return chosen;
}

/** How many threads the WebAssembly backend runs (its C++ side's answer). */
function wasmThreads(): number {
  const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
  return backend.wasm.tfjs.getThreadsCount();
}

/** The renderer's name when WebGL runs in software (SwiftShader, llvmpipe: no GPU), else null. */
function softwareWebGL(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext("webgl2") as WebGL2RenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software/i.test(renderer) ? renderer : null;
  } catch {
    return null;
  }
}
