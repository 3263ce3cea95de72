// One pthread of tfjs-backend-wasm's threaded SIMD build (lib/wasm-threads.ts starts these).
// tfjs ships this worker's source as a string and, in a browser, starts it from a blob: URL, which node's
// worker_threads cannot load; this file is the same source started from disk. The string's "\n" escapes
// are restored the way tfjs's own loader does before it makes its Blob.
"use strict";
// eslint-disable-next-line no-eval
eval(require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js").wasmWorkerContents.replace(/\n/g, "\\n"));
