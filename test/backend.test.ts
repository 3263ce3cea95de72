import * as tf from "@tensorflow/tfjs";
import { describeBackend, useBackend } from "../lib/node/backend";
import { registerThreadedWasm } from "../lib/node/wasm-threads";
import { endWasmThreads } from "./end-wasm-threads";

describe("useBackend", () => {
  test("loads the native TensorFlow backend and reports its versions", async () => {
    const info = await useBackend("tensorflow", { print: false });
    expect(info.backend).toBe("tensorflow");
    expect(tf.getBackend()).toBe("tensorflow");
    expect(info.tensorflow).toBe("2.21.0");
    expect(info.tfjs).toBe("4.22.0");
    expect(info.device).toMatch(/CPU|GPU/);
    expect(describeBackend(info)).toMatch(/^backend: tensorflow \| tfjs 4\.22\.0 \| TensorFlow 2\.21\.0 \| device: /);
  });
  test("wasm: the threaded build names its threads, and a script using it ends by itself (its workers hold nothing open)", () => {
    const script = `const tf = require("@tensorflow/tfjs");
      require("./lib/dist/node/backend").useBackend("wasm")
        .then(() => tf.conv2d(tf.ones([8, 28, 28, 1]), tf.ones([3, 3, 1, 4]), 1, "valid").data())
        .then((v) => console.log("outputs", v.length, "all 9:", v.every((a) => a === 9)));`;
    const r = require("child_process").spawnSync(process.execPath, ["-e", script], { cwd: require("path").join(__dirname, ".."), encoding: "utf8", timeout: 60000 });
    expect(r.error).toBeUndefined(); // not killed by the timeout
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`device: CPU \\(WebAssembly, ${Math.min(8, require("os").availableParallelism())} threads\\)`));
    expect(r.stdout).toContain("outputs 21632 all 9: true"); // 8·26·26·4 windows of nine ones
  });
  test("wasm in jest: the per-file teardown (test/end-wasm-threads.ts) ends the threads the file's backend started", async () => {
    const was = tf.getBackend();
    registerThreadedWasm(); // as useBackend("wasm") does (useBackend keeps its first choice: the native one here)
    expect(await tf.setBackend("wasm")).toBe(true);
    tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync();
    const threads = () => require("fs").readdirSync("/proc/self/task").length; // this process's threads (Linux)
    const started = threads();
    expect(await endWasmThreads()).toBe(8); // the threaded build pre-starts 8 workers (lib/node/wasm-threads.ts); all ended
    expect(threads()).toBeLessThanOrEqual(started - 8);
    expect(tf.findBackendFactory("wasm")).toBeNull(); // the backend was removed with its threads
    expect(await endWasmThreads()).toBe(0); // nothing left to end
    await tf.setBackend(was);
  });
  test("rejects an unknown backend name with what to use instead", async () => {
    await expect(useBackend("gpu-please", { print: false })).rejects.toThrow(/auto, tensorflow, wasm or cpu/);
  });
});

describe("native kernels (lib/node/native-kernels.ts)", () => {
  test("ReLU's gradient through TensorFlow's ReluGrad equals tfjs's own composition, 0 at x = 0", async () => {
    await useBackend("tensorflow", { print: false });
    const x = tf.tensor1d([-2, -0.5, 0, 0.25, 3]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5]);
    const native = tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy);
    expect(Array.from(native.dataSync())).toEqual([0, 0, 0, 4, 5]);
    const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.relu(v))(x, dy));
    expect(profile.kernelNames).toContain("Lecture3ReluGrad");
    expect(profile.kernelNames).not.toContain("Step");
    // a CNN-sized gradient against the composition mul(dy, step(x)) on the same backend
    const big = tf.randomNormal([8, 12, 12, 16]);
    const g = tf.randomNormal([8, 12, 12, 16]);
    const viaKernel = tf.grad((v: tf.Tensor) => tf.relu(v))(big, g);
    const composed = tf.mul(g, tf.cast(tf.step(big), "float32"));
    expect(tf.max(tf.abs(tf.sub(viaKernel, composed))).dataSync()[0]).toBe(0);
  });
});
