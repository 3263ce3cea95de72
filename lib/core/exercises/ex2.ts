// 演習2: weight sharing (重み共有). The two convolutions of the CNN have a few ten thousand parameters; a fully
// connected layer that makes the same 26×26×32 map from the 28×28 image needs about 17 million. The student
// counts both, computes the ratio and picks the statement that explains it. Every number is recomputed here
// from the model that is passed in.
import type { Module } from "../nn";
import { asNumber, asObject, fail, isModule, runCheck } from "./common";

/** The statements of 演習2 (numbered from 1, as the notebook lists them); EX2_RIGHT is the right one. */
export const EX2_STATEMENTS = [
  "畳み込み層はパラメータを共有しないので、パラメータが少なくて済む",
  "畳み込み層は同じカーネルの重みを画像のすべての位置で使い回す (重み共有) ので、パラメータ数は画像の大きさによらず、カーネルの大きさとチャネル数だけで決まる",
  "畳み込み層は出力の各位置に別々の小さな 3×3 の重みを持ち、3×3 が小さいのでパラメータが少なくて済む",
  "畳み込み層は画像を小さく縮めるので、パラメータが少なくて済む",
];
export const EX2_RIGHT = 2;

const WHY_WRONG: Record<number, string> = {
  1: "statement 1 は逆です。畳み込み層は重みを共有する (同じカーネルをすべての位置で使い回す) からパラメータが少ないのです",
  3: "statement 3 は重みを共有しない場合 (位置ごとに別の重み) の説明です。それなら 26×26 の位置ごとに重みが要り、パラメータは 26×26 倍に増えます",
  4: "statement 4: 出力が小さくなることはパラメータ数を決めません (縮めるのはプーリングで、プーリングにはパラメータがありません)。パラメータ数を決めるのは何かを考えてください",
};

type ConvLike = Module & { kernel_size?: number; in_channels?: number; out_channels?: number };

interface Truth {
  conv: number; // conv1 + conv2
  conv1: number;
  dense: number; // a fully connected layer from the 28×28×1 image to conv1's h×w×c map
  denseNoBias: number;
  map: [number, number, number]; // conv1's output h, w, c
  inputs: number;
}

function truthOf(model: Module): Truth {
  const m = model as Module & { conv1?: ConvLike; conv2?: ConvLike };
  if (!isModule(m.conv1) || !isModule(m.conv2) || typeof m.conv1.kernel_size !== "number" || typeof m.conv1.out_channels !== "number") {
    fail("check.ex2(answer, model) の model には conv1 と conv2 を持つ CNN (上の Net) を渡してください");
  }
  const side = 28 - m.conv1.kernel_size + 1;
  const map: [number, number, number] = [side, side, m.conv1.out_channels];
  const outputs = side * side * m.conv1.out_channels;
  const inputs = 28 * 28 * (m.conv1.in_channels ?? 1);
  return {
    conv: m.conv1.numParameters() + m.conv2.numParameters(),
    conv1: m.conv1.numParameters(),
    dense: inputs * outputs + outputs,
    denseNoBias: inputs * outputs,
    map,
    inputs,
  };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * 演習2. answer = {convParams, denseParams, ratio, statement}:
 *   convParams  = conv1 と conv2 のパラメータ数の合計 (the slide's CNN: 320 + 18,496 = 18,816)
 *   denseParams = a fully connected layer from the 28×28 image (784 inputs) to the same 26×26×32 map as conv1
 *                 (784 × 21,632 weights + 21,632 biases = 16,981,120)
 *   ratio       = denseParams / convParams (≈ 902.5)
 *   statement   = the number (1〜4) of the statement in EX2_STATEMENTS that explains it
 * model = the CNN the answer is about.
 */
export function ex2(answer: unknown, model: Module): void {
  runCheck(2, answer, "convParams, denseParams, ratio, statement", () => {
    if (!isModule(model)) fail("check.ex2(answer, model) のように、調べる CNN も渡してください");
    const t = truthOf(model);
    const a = asObject(answer, "{convParams, denseParams, ratio, statement}");
    const [h, w, c] = t.map;

    const cp = asNumber(a.convParams, "convParams");
    if (cp === t.conv1) fail("convParams は conv1 だけでなく conv2 のパラメータも足してください");
    if (cp === model.numParameters()) fail("convParams は CNN 全体ではなく、畳み込み層 conv1 と conv2 のパラメータ数の合計です (fc1, fc2 は入れません)");
    if (cp !== t.conv) fail("convParams が conv1 と conv2 のパラメータ数の合計と違います (model.conv1.numParameters() で確かめられます)");

    const dp = asNumber(a.denseParams, "denseParams");
    if (dp === t.denseNoBias) fail(`denseParams: バイアスを忘れていませんか (出力 ${fmt(h * w * c)} 個に 1 つずつ)`);
    if (dp !== t.dense) {
      fail(`denseParams が違います。入力は 28×28 = ${fmt(t.inputs)} 画素、出力は conv1 と同じ ${h}×${w}×${c} = ${fmt(h * w * c)} 個です。全結合層は 入力数×出力数 (重み) + 出力数 (バイアス)`);
    }

    const r = asNumber(a.ratio, "ratio");
    const want = t.dense / t.conv;
    if (Math.abs(r * want - 1) < 0.01 && Math.abs(r - want) > 0.01 * want) fail("ratio が逆数になっています。denseParams / convParams です");
    if (Math.abs(r - want) > 0.01 * want) fail(`ratio は denseParams / convParams です (今は ${r})`);

    const s = a.statement;
    if (typeof s === "string" && /^\s*[1-4]\s*$/.test(s)) fail(`statement は文字列ではなく数 ${s.trim()} で書いてください`);
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > EX2_STATEMENTS.length) {
      fail(`statement には上の文 1〜${EX2_STATEMENTS.length} のうち正しいものの番号を数で書いてください`);
    }
    if (s !== EX2_RIGHT) fail(WHY_WRONG[s] ?? "その文は正しくありません");
    return `(畳み込み 2 層で ${fmt(t.conv)} 個、同じ ${h}×${w}×${c} を全結合層で作ると ${fmt(t.dense)} 個: 約 ${Math.round(want)} 倍)`;
  });
}
