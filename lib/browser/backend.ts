// The TensorFlow.js backend in the browser: WebGL (the laptop's GPU) where the browser has it, else WebAssembly
// (its files are served by the site, next to the kernel's worker) with the project's training kernels
// (lib/node/wasm-kernels.ts, TF.js code only), else the plain JavaScript cpu backend.
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../node/wasm-kernels"; // pure TF.js (test/lib-structure.test.ts says so)

export type BrowserBackend = "webgl" | "wasm" | "cpu";
let chosen: { backend: BrowserBackend; tfjs: string; skipped: string[] } | null = null;

/** useBackend("auto" | "webgl" | "wasm" | "cpu"): picks the first that loads, prints one line, returns the facts. */
export async function useBackend(requested = "auto", opts: { print?: boolean } = {}) {
  if (!["auto", "webgl", "wasm", "cpu"].includes(requested)) {
    throw new Error(`ブラウザ版の backend は auto, webgl, wasm, cpu のどれかです (${requested} ではなく)`);
  }
  if (chosen === null) {
    const order: BrowserBackend[] = requested === "auto" ? ["webgl", "wasm", "cpu"] : [requested as BrowserBackend];
    const skipped: string[] = [];
    setWasmPaths(new URL("./", self.location.href).href); // the .wasm files beside kernel-worker.js
    for (const name of order) {
      try {
        const soft = name === "webgl" && requested === "auto" ? softwareWebGL() : null;
        if (soft) throw new Error(`WebGL は GPU ではなくソフトウェア (${soft}) で動いています: WebAssembly のほうが速い`);
        if (!(await tf.setBackend(name))) throw new Error("setBackend returned false");
        await tf.ready();
        // the project's training kernels (conv gradients, transposed matMul, MaxPoolGrad, Tile, Sum): as in node
        if (name === "wasm") registerWasmTrainingKernels();
        chosen = { backend: name, tfjs: tf.version.tfjs, skipped };
        break;
      } catch (e) {
        skipped.push(`${name}: ${(e as Error).message ?? e}`);
      }
    }
    if (chosen === null) throw new Error(`TensorFlow.js の backend がどれも使えません (${skipped.join("; ")})`);
  }
  if (opts.print !== false) console.log(`backend: ${chosen.backend} (ブラウザ), tfjs ${chosen.tfjs}${chosen.skipped.length ? ` — 使えなかったもの: ${chosen.skipped.join("; ")}` : ""}`);
  return chosen;
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
