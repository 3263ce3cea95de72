// 演習9 (08_deep_networks): make the 20-layer plain network train without making it shallower or bigger — a skip
// structure, another initialization, another activation, batch norm. Graded on the student's own model: its depth
// and parameter count against the plain network (within 2.5 %: batch norm may be added), and the loss it reaches, measured here again on the first
// 1,000 training images (eval mode). No typed number is read.
import * as tf from "@tensorflow/tfjs";
import { nll_loss } from "../functional";
import { inEvalMode, Linear, type Module } from "../nn";
import { allModules, asObject, describe, fail, isModule, runCheck } from "./common";

export interface Ex9Facts {
  /** the plain network of the notebook (its depth and parameter count are the target) */
  plain: Module;
  /** the training images the networks were trained on */
  data: { length: number; batch(indices: ArrayLike<number>): [tf.Tensor, tf.Tensor] };
}

/** The loss must fall below this: the plain network stays near log 10 ≈ 2.30, the notebook's answers reach about 0.5. */
export const EX9_MAX_LOSS = 1.0;
/** How far the parameter count may move: batch norm after each hidden layer adds about 2 %. */
export const EX9_PARAM_TOLERANCE = 0.025;
const EVAL_IMAGES = 1000;

const linearCount = (m: Module) => allModules(m).filter((k) => k instanceof Linear).length;

/** Mean loss of `model` on the first `n` examples, in eval mode; the mode is restored. */
function lossOn(model: Module, data: Ex9Facts["data"], n: number): number {
  return inEvalMode(model, () =>
    tf.tidy(() => {
      const [x, y] = data.batch(Array.from({ length: Math.min(n, data.length) }, (_, i) => i));
      return nll_loss(model.forward(x), y).dataSync()[0];
    }),
  );
}

export function ex9(answer: unknown, facts: Ex9Facts): void {
  runCheck(9, answer, "解答欄 (演習9)", () => {
    const model = asObject(answer, "{ model }").model;
    if (!isModule(model)) fail(`model には学習したモデル (nn.Module) を入れてください (今は ${describe(model)})`);
    const want = linearCount(facts.plain);
    const got = linearCount(model);
    if (got !== want) fail(`全結合層 (Linear) が ${got} 層あります。plain と同じ ${want} 層のまま学習できるようにしてください (層を減らすのは別の話です)`);
    const pw = facts.plain.numParameters();
    const pm = model.numParameters();
    if (Math.abs(pm - pw) > EX9_PARAM_TOLERANCE * pw) {
      fail(`パラメータ数 ${pm.toLocaleString("en")} 個は plain の ${pw.toLocaleString("en")} 個と ${100 * EX9_PARAM_TOLERANCE} % を超えて違います。幅は変えずに、構造 (スキップ構造), 初期値, 活性化関数, バッチ正規化で工夫してください`);
    }
    const loss = lossOn(model, facts.data, EVAL_IMAGES);
    if (!(loss < EX9_MAX_LOSS)) {
      fail(
        `このモデルの損失は訓練画像 ${EVAL_IMAGES.toLocaleString("en")} 枚で ${Number.isFinite(loss) ? loss.toFixed(3) : loss} です (plain は約 2.30 のまま)。` +
          `学習したあとのモデルを入れたか確かめ、スキップ構造 (Residual) や He の初期化 (kaimingUniform_) を試してください`,
      );
    }
    return `20 層・パラメータ ${pm.toLocaleString("en")} 個のまま、訓練画像 ${EVAL_IMAGES.toLocaleString("en")} 枚での損失 ${loss.toFixed(3)} (このセルで測り直しました)`;
  });
}
