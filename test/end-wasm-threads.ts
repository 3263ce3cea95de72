// After each test file: the WebAssembly backend's threads end with the file that started them.
// jest gives every test file its own module registry and globals, so a file that uses the "wasm" backend gets its
// own backend, whose threaded build (lib/node/wasm-threads.ts) starts 8 worker threads, unref'd so that a finished
// script can exit. Nothing ended them, so a jest worker that ran several such files kept them all (25 threads and
// 1.2 GB after 4 files), and at the run's end it had to stop and join every one inside process.exit(): on a busy
// machine that took longer than the 500 ms jest allows, and jest printed "A worker process has failed to exit
// gracefully and has been force exited". Here the file's backend is disposed and its threads terminated.
import * as tf from "@tensorflow/tfjs";

/** Disposes this registry's "wasm" backend, if it was started, and ends its threads; resolves to how many ended. */
export async function endWasmThreads(): Promise<number> {
  type Thread = { once(event: "exit", f: () => void): void }; // worker_threads' Worker
  type PThread = { unusedWorkers: Thread[]; runningWorkers: Thread[]; terminateAllThreads(): void };
  const engine = tf.engine() as unknown as { registry: Record<string, { wasm?: { PThread?: PThread } }> };
  const pthread = engine.registry.wasm?.wasm?.PThread;
  if (!pthread) return 0; // this file never started the wasm backend
  const workers = [...pthread.unusedWorkers, ...pthread.runningWorkers];
  const exited = Promise.all(workers.map((w) => new Promise<void>((resolve) => w.once("exit", resolve))));
  tf.removeBackend("wasm");
  pthread.terminateAllThreads();
  await exited;
  return workers.length;
}

afterAll(endWasmThreads);
