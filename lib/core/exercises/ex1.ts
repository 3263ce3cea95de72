// 演習1: the output shape (without the batch axis, NHWC) and the parameter count of every layer,
// worked out by hand. The truth comes from running the student's own model once, so a model
// with other channel counts is checked correctly too.
import { traceForward, type Module } from "../nn";
import { asNumber, asObject, fail, fmtShape, isBlank, isModule, runCheck, sameShape, shapeOf, toNested } from "./common";

export const EX1_LAYERS = ["conv1", "conv2", "pool", "fc1", "fc2"] as const;

interface Layer {
  module: Module & Record<string, unknown>;
  input: number[]; // shape of what went in, without the batch axis
  shape: number[]; // shape of what came out, without the batch axis
  params: number;
}

/** Runs the model on one blank image (in eval mode) and records each named layer's input and output shapes. */
function traceLayers(model: Module, inputShape: number[]): Map<string, Layer> {
  const children = model.named_children().filter(([n]) => (EX1_LAYERS as readonly string[]).includes(n));
  const { calls } = traceForward(model, [1, ...inputShape], children);
  return new Map(calls.map((c) => [c.name, { module: c.module as Layer["module"], input: c.input.slice(1), shape: c.output.slice(1), params: c.module.numParameters() }]));
}

function checkShape(name: string, given: unknown, t: Layer): void {
  if (typeof given === "number" && t.shape.length === 1) {
    fail(`${name}.shape は数 ${given} ではなく、軸が 1 つの形として配列で書いてください: [${given}]`);
  }
  const nested = toNested(given, `${name}.shape`);
  const s = shapeOf(nested);
  const isConv = typeof t.module.kernel_size === "number" && typeof t.module.out_channels === "number";
  if (s === null || s.length !== 1) {
    fail(`${name}.shape は ${t.shape.length === 3 ? "[高さ, 幅, チャネル]" : "[ユニット数]"} のような数の配列で書いてください`);
  }
  const shape = nested as number[];
  if (sameShape(shape, t.shape)) return;
  if (shape.length === t.shape.length + 1 && sameShape(shape.slice(1), t.shape)) {
    fail(`${name}.shape はバッチ軸を除いて書いてください (${fmtShape(shape.slice(1))} の形で)`);
  }
  if (t.shape.length === 3 && sameShape(shape, [t.shape[2], t.shape[0], t.shape[1]])) {
    fail(`${name}.shape がチャネル先頭 (PyTorch の順) になっています。TensorFlow.js は NHWC で、チャネルが最後です: [高さ, 幅, チャネル]`);
  }
  if (isConv && t.input.length === 3 && shape[0] === t.input[0] && shape[1] === t.input[1]) {
    const k = t.module.kernel_size as number;
    fail(`${name}: ${k}×${k} カーネル・パディングなしでは高さと幅が縮みます (${t.input[0]}−${k}+1)`);
  }
  if (isConv) fail(`${name}.shape が違います。チャネル数は出力チャネル数 (out_channels)、高さ・幅は 入力−カーネル+1 です`);
  if (t.shape.length === 3) fail(`${name}.shape が違います。2×2 の最大プーリングは高さと幅を半分にし、チャネル数は変えません`);
  fail(`${name}.shape が違います。全結合層の出力はユニット数 (out_features) だけの 1 次元です`);
}

function checkParams(name: string, given: unknown, t: Layer, prev: Layer | undefined): void {
  const p = asNumber(given, `${name}.params`);
  if (p === t.params) return;
  const m = t.module;
  const outs = (m.out_channels ?? m.out_features) as number | undefined;
  if (t.params === 0) fail(`${name} (プーリング) には学習するパラメータがありません`);
  if (outs !== undefined && p === t.params - outs) fail(`${name}.params: バイアスを忘れていませんか (出力 1 つにつき 1 個)`);
  if (typeof m.in_features === "number" && prev && prev.shape.length === 3) {
    // fc1's input is the flattened pooling output, e.g. 12×12×64 = 9216
    const [h, w, c] = prev.shape;
    fail(`${name}.params が違います。入力はプーリングの出力を平らにした ${h}×${w}×${c}=${h * w * c} 個です (重み 入力×出力 + バイアス 出力)`);
  }
  if (typeof m.in_features === "number") fail(`${name}.params が違います。全結合層は 入力数×出力数 (重み) + 出力数 (バイアス) です`);
  fail(`${name}.params が違います。畳み込み層は kh×kw×入力チャネル×出力チャネル (重み) + 出力チャネル (バイアス) です`);
}

/**
 * 演習1. answer = {conv1: {shape: [26, 26, 32], params: 320}, conv2: …, pool: …, fc1: …, fc2: …}
 * (shapes without the batch axis, NHWC); model = the ConvNet the answer is about.
 */
export function ex1(answer: unknown, model: Module): void {
  runCheck(1, answer, "conv1〜fc2 の shape と params", () => {
    const a = asObject(answer, "{conv1: {shape, params}, conv2: …, pool: …, fc1: …, fc2: …}");
    if (!isModule(model)) fail("check.ex1(answer, model) のように、調べるモデルも渡してください");
    const truth = traceLayers(model, [28, 28, 1]);
    let prev: Layer | undefined;
    for (const name of EX1_LAYERS) {
      const t = truth.get(name);
      if (!t) throw new Error(`model has no layer ${name}`);
      const entry = a[name];
      if (isBlank(entry)) fail(`${name} がまだ空です。shape と params を書いてください`);
      const e = asObject(entry, `${name}: {shape: [...], params: 数}`);
      checkShape(name, e.shape, t);
      checkParams(name, e.params, t, prev);
      prev = t;
    }
    const total = [...truth.values()].reduce((s, t) => s + t.params, 0);
    return `(全層の形とパラメータ数が合っています。合計 ${total.toLocaleString("en-US")} 個)`;
  });
}
