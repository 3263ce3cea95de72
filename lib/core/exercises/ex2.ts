// 演習2: weight sharing (重み共有). The first convolution conv1 makes a 26×26×32 map from the 28×28 image with 320
// parameters; a fully connected layer that makes the same map from the same image needs about 17 million. The
// student counts both, computes the ratio (like with like: the one layer conv1 against the one dense layer that
// would replace it) and picks the statement that explains it. Every number is recomputed here from the model that
// is passed in: conv1's input and output shapes come from running it (traceForward), so stride or padding count.
import { traceForward, type Module } from "../nn";
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
  conv1: number; // conv1's parameters
  conv2: number; // conv2's (a common mistake adds them)
  dense: number; // a fully connected layer from conv1's input (28×28×1) to conv1's output map
  denseNoBias: number;
  map: number[]; // conv1's output h, w, c
  input: number[]; // conv1's input h, w, c
}

function truthOf(model: Module): Truth {
  const m = model as Module & { conv1?: ConvLike; conv2?: ConvLike };
  if (!isModule(m.conv1) || typeof m.conv1.out_channels !== "number") {
    fail("check.ex2(answer, model) の model には conv1 を持つ CNN (上の Net) を渡してください");
  }
  const call = traceForward(m, [1, 28, 28, 1], [["conv1", m.conv1]]).calls[0];
  if (!call) fail("渡したモデルの forward が conv1 を呼んでいません。上の Net を渡してください");
  const map = call.output.slice(1);
  const input = call.input.slice(1);
  const outputs = map.reduce((a, b) => a * b, 1);
  const inputs = input.reduce((a, b) => a * b, 1);
  return {
    conv1: m.conv1.numParameters(),
    conv2: isModule(m.conv2) ? m.conv2.numParameters() : NaN,
    dense: inputs * outputs + outputs,
    denseNoBias: inputs * outputs,
    map,
    input,
  };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * 演習2. answer = {conv1Params, denseParams, ratio, statement}:
 *   conv1Params = conv1 のパラメータ数 (the slide's CNN: 3×3×1×32 + 32 = 320)
 *   denseParams = a fully connected layer that replaces conv1: from the same 28×28 image (784 inputs) to the same
 *                 26×26×32 map (784 × 21,632 weights + 21,632 biases = 16,981,120)
 *   ratio       = denseParams / conv1Params (≈ 53,066: the same job, done by one layer each)
 *   statement   = the number (1〜4) of the statement in EX2_STATEMENTS that explains it
 * model = the CNN the answer is about.
 */
export function ex2(answer: unknown, model: Module): void {
  runCheck(2, answer, "conv1Params, denseParams, ratio, statement", () => {
    if (!isModule(model)) fail("check.ex2(answer, model) のように、調べる CNN も渡してください");
    const t = truthOf(model);
    const a = asObject(answer, "{conv1Params, denseParams, ratio, statement}");
    const [h, w, c] = t.map;

    if (a.conv1Params === undefined && a.convParams !== undefined) fail("conv1Params (conv1 のパラメータ数) を書いてください (convParams ではなく)");
    const cp = asNumber(a.conv1Params, "conv1Params");
    if (cp === t.conv1 + t.conv2) fail("conv1Params は conv1 だけのパラメータ数です。全結合層が置き換えるのは conv1 の 1 層だけなので、conv2 は足しません (同じものどうしを比べます)");
    if (cp === model.numParameters()) fail("conv1Params は CNN 全体ではなく、畳み込み層 conv1 のパラメータ数です");
    if (cp !== t.conv1) fail("conv1Params が conv1 のパラメータ数と違います (model.conv1.numParameters() で確かめられます)");

    const dp = asNumber(a.denseParams, "denseParams");
    if (dp === t.denseNoBias) fail(`denseParams: バイアスを忘れていませんか (出力 ${fmt(h * w * c)} 個に 1 つずつ)`);
    if (dp !== t.dense) {
      fail(`denseParams が違います。入力は conv1 と同じ ${t.input.join("×")} = ${fmt(t.input.reduce((x, y) => x * y, 1))} 画素、出力は conv1 と同じ ${h}×${w}×${c} = ${fmt(h * w * c)} 個です。全結合層は 入力数×出力数 (重み) + 出力数 (バイアス)`);
    }

    const r = asNumber(a.ratio, "ratio");
    const want = t.dense / t.conv1;
    if (Math.abs(r * want - 1) < 0.01 && Math.abs(r - want) > 0.01 * want) fail("ratio が逆数になっています。denseParams / conv1Params です");
    if (Math.abs(r - want) > 0.01 * want) fail(`ratio は denseParams / conv1Params です (今は ${r})`);

    const s = a.statement;
    if (typeof s === "string" && /^\s*[1-4]\s*$/.test(s)) fail(`statement は文字列ではなく数 ${s.trim()} で書いてください`);
    if (typeof s !== "number" || !Number.isInteger(s) || s < 1 || s > EX2_STATEMENTS.length) {
      fail(`statement には上の文 1〜${EX2_STATEMENTS.length} のうち正しいものの番号を数で書いてください`);
    }
    if (s !== EX2_RIGHT) fail(WHY_WRONG[s] ?? "その文は正しくありません");
    return `(同じ ${h}×${w}×${c} を作るのに、conv1 は ${fmt(t.conv1)} 個、全結合層なら ${fmt(t.dense)} 個: 約 ${Math.round(want).toLocaleString("en-US")} 倍)`;
  });
}
