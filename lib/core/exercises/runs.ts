// Experiment results in answers: a checker accepts only what experiment() returned (registered in
// lib/provenance.ts), whose model still has the weights the run ended with, and compares the settings of two
// runs that a comparison needs to share.
import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "../data/dataset";
import type { ExperimentResult } from "../experiment";
import { inEvalMode } from "../nn";
import { isGenuine, provenanceOf, sameWeights } from "../provenance";
import { describe, fail, isBlank, isPlainObject } from "./common";

/** `v` as a genuine experiment result, or a hint that says what it is instead. */
export function asRun(v: unknown, name: string, what: string): ExperimentResult {
  if (isBlank(v)) fail(`${name} がまだ空です。${what}の experiment() の結果を入れてください`);
  if (v instanceof Promise) fail(`${name} が Promise です。experiment(...) の前に await を付けてください`);
  if (!isGenuine(v)) {
    if (isPlainObject(v)) {
      fail(`${name} は experiment() が返した結果そのものを入れてください (手で書いたオブジェクトや {...r} のようなコピーでは、実際に学習した結果か確かめられません)`);
    }
    fail(`${name} には experiment() の結果を入れてください (今は ${describe(v)})`);
  }
  const r = v as ExperimentResult;
  if (!sameWeights(r)) {
    fail(`${name}.model の重みが experiment() の終わりと変わっています (続けて学習した・別の重みを読み込んだ・dispose した、など)。experiment() をやり直してください`);
  }
  return r;
}

/** answer.without and answer.with as two genuine runs that are not the same one; `what`: "ドロップアウト", `example`: how to add it. */
export function withoutAndWith(a: Record<string, unknown>, what: string, example: string): [ExperimentResult, ExperimentResult] {
  const off = asRun(a.without, "without", `${what}なし`);
  const on = asRun(a.with, "with", `${what}あり (例: ${example})`);
  if (off === on) fail(`without と with が同じ実験結果です。${what}なしとありで 2 回 experiment() を実行してください`);
  return [off, on];
}

const setting = (r: ExperimentResult) => provenanceOf(r)?.setting ?? {};

/** Same images and labels (the same dataset, a copy of it, or .with() of it). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = a as ImageDataset | undefined, y = b as ImageDataset | undefined;
  if (!x || !y || !x.images || !y.images || x.length !== y.length || x.images.length !== y.images.length) return false;
  if (x.images !== y.images && !x.images.every((v, i) => v === y.images[i])) return false;
  return x.labels === y.labels || x.labels.every((v, i) => v === y.labels[i]);
}

/** The training set of a run, and what it was evaluated on after each epoch. */
export function dataOf(r: ExperimentResult): { train?: ImageDataset; evaluated?: ImageDataset } {
  const s = setting(r);
  return { train: s.train as ImageDataset | undefined, evaluated: (s.test ?? s.valid) as ImageDataset | undefined };
}

/** The option `key` of the run (undefined when it was left at its default). */
export function optionOf(r: ExperimentResult, key: string): unknown {
  return setting(r)[key];
}

const OPTIONS: [string, string][] = [
  ["epochs", "エポック数 epochs"],
  ["seed", "シード seed"],
  ["optimizer", "optimizer"],
  ["lr", "学習率 lr"],
  ["batch_size", "ミニバッチの大きさ batch_size"],
  ["momentum", "momentum"],
  ["weight_decay", "weight_decay"],
  ["train_eval", "train_eval"],
];

/**
 * Fails with a hint naming the first setting in which runs `a` and `b` differ (apart from the model);
 * `ignoreAugment`: the training sets may differ in their augmentation (演習8).
 */
export function expectSameSetting(a: ExperimentResult, b: ExperimentResult, names: [string, string], ignoreAugment = false): void {
  const [sa, sb] = [setting(a), setting(b)];
  const differ = (what: string, x: unknown, y: unknown) =>
    fail(`${names[0]} と ${names[1]} で ${what} が違います (${show(x)} と ${show(y)})。比べるのはモデル${ignoreAugment ? "とデータ拡張" : ""}だけで、ほかは同じ設定にしてください`);
  const [da, db] = [dataOf(a), dataOf(b)];
  if (!sameData(da.train, db.train)) differ("訓練データ", `${da.train?.length ?? "?"} 枚`, `${db.train?.length ?? "?"} 枚${da.train?.length === db.train?.length ? " (別の画像)" : ""}`);
  if (!ignoreAugment && da.train?.augment !== db.train?.augment) differ("データ拡張", da.train?.augment ? "あり" : "なし", db.train?.augment ? "あり" : "なし");
  if (!sameData(da.evaluated, db.evaluated)) differ("評価したデータ", `${da.evaluated?.length ?? "?"} 枚`, `${db.evaluated?.length ?? "?"} 枚`);
  const DEFAULTS: Record<string, unknown> = { seed: 1, batch_size: 50, optimizer: "adam", train_eval: true };
  for (const [key, what] of OPTIONS) {
    const [x, y] = [sa[key] ?? DEFAULTS[key], sb[key] ?? DEFAULTS[key]];
    if (x !== y) differ(what, x, y);
  }
}

function show(v: unknown): string {
  return v === undefined ? "指定なし" : typeof v === "string" ? `"${v}"` : String(v);
}

/** A typed number against the value in the student's own run: ✘ naming both when they disagree. */
export function expectSame(typed: number, actual: number, name: string, source: string, tol = 5e-4): void {
  if (Math.abs(typed - actual) <= tol) return;
  if (Math.abs(typed / 100 - actual) <= tol) fail(`${name} は百分率ではなく割合(0〜1)で書いてください (${typed} → ${typed / 100})`);
  fail(`${name} = ${typed} が、あなたの実験結果 ${source} = ${round(actual)} と違います。数を手で写さず、${source} をそのまま使ってください`);
}

const round = (x: number) => Number(x.toFixed(4));

/**
 * Accuracy of `model` on the first `n` examples of `data` (all by default), recomputed here in eval mode
 * (the model's mode is restored). Synchronous; batches of 500.
 */
export function reevaluate(model: ExperimentResult["model"], data: ImageDataset, n = data.length): number {
  let correct = 0;
  inEvalMode(model, () => {
    for (let start = 0; start < n; start += 500) {
      const idx = Array.from({ length: Math.min(500, n - start) }, (_, i) => start + i);
      correct += tf.tidy(() => {
        const [x, y] = data.batch(idx);
        return tf.sum(tf.cast(tf.equal(tf.argMax(model.forward(x), 1), y), "int32")).dataSync()[0];
      });
    }
  });
  return correct / n;
}
