// The predicted class of every example, e.g. for a confusion matrix (plot.showConfusionMatrix(pred, target, classes)).
import * as tf from "@tensorflow/tfjs";
import type { DataLoader } from "./data/loader";
import { rethrow } from "./errors";
import { inEvalMode } from "./mode";
import type { Module } from "./module";

/** Predicted class of every example (argmax of the output), in loader order. */
export async function predict(model: Module, loader: DataLoader): Promise<{ pred: Int32Array; target: Int32Array }> {
  const preds: number[] = [];
  const targets: number[] = [];
  await inEvalMode(model, async () => {
    try {
      for await (const [input, target] of loader) {
        tf.tidy(() => {
          preds.push(...tf.argMax(model.forward(input), 1).dataSync());
          targets.push(...target.dataSync());
        });
      }
    } catch (e) {
      rethrow(e, `予測を中断しました (${preds.length} 枚目まで)`);
    }
  });
  return { pred: Int32Array.from(preds), target: Int32Array.from(targets) };
}
