import * as tf from "@tensorflow/tfjs";
import { describeBackend, useBackend } from "../lib/backend";

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
  test("rejects an unknown backend name with what to use instead", async () => {
    await expect(useBackend("gpu-please", { print: false })).rejects.toThrow(/auto, tensorflow, wasm or cpu/);
  });
});
