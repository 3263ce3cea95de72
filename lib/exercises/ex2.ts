// 演習2: the fully connected network (Net) and the CNN side by side: parameters, accuracy, and why.
import type { Module } from "../nn";
import { asFraction, asNumber, asObject, CheckResult, fail, isBlank, isModule, runCheck } from "./common";

export interface Ex2Facts {
  mlp: Module;
  cnn: Module;
  /** measured test accuracies, fractions 0..1 */
  mlpAccuracy: number;
  cnnAccuracy: number;
}

const TOL = 0.005;
const SHARING = /重み共有|共有|weight[\s-]*sharing|shared/i;

/**
 * 演習2. answer = {mlp: {params, accuracy}, cnn: {params, accuracy}, reason: "…"}
 * (accuracy as a fraction 0..1, reason in words).
 */
export function ex2(answer: unknown, facts: Ex2Facts): CheckResult {
  return runCheck(2, answer, "mlp, cnn の params と accuracy、reason", () => {
    const f = facts ?? ({} as Partial<Ex2Facts>);
    if (!isModule(f.mlp) || !isModule(f.cnn) || !Number.isFinite(f.mlpAccuracy) || !Number.isFinite(f.cnnAccuracy)) {
      fail("check.ex2(answer, {mlp, cnn, mlpAccuracy, cnnAccuracy}) のように、2 つのモデルと測った正解率も渡してください");
    }
    const a = asObject(answer, "{mlp: {params, accuracy}, cnn: {params, accuracy}, reason}");
    if (isBlank(a.mlp) || isBlank(a.cnn)) fail(`${isBlank(a.mlp) ? "mlp" : "cnn"} がまだ空です。params と accuracy を書いてください`);
    const mlp = asObject(a.mlp, "mlp: {params, accuracy}");
    const cnn = asObject(a.cnn, "cnn: {params, accuracy}");
    const truth = { mlp: facts.mlp.numParameters(), cnn: facts.cnn.numParameters() };

    const mp = asNumber(mlp.params, "mlp.params");
    const cp = asNumber(cnn.params, "cnn.params");
    if (mp === truth.cnn && cp === truth.mlp && truth.mlp !== truth.cnn) fail("mlp と cnn の params が入れ替わっています");
    if (mp !== truth.mlp) fail("mlp.params がモデルのパラメータ数と違います (model.numParameters() で数えられます)");
    if (cp !== truth.cnn) fail("cnn.params がモデルのパラメータ数と違います (model.numParameters() で数えられます)");

    const ma = asFraction(mlp.accuracy, "mlp.accuracy");
    const ca = asFraction(cnn.accuracy, "cnn.accuracy");
    const near = (x: number, y: number) => Math.abs(x - y) <= TOL;
    if (near(ma, facts.cnnAccuracy) && near(ca, facts.mlpAccuracy) && !near(facts.mlpAccuracy, facts.cnnAccuracy)) {
      fail("mlp と cnn の accuracy が入れ替わっています");
    }
    if (!near(ma, facts.mlpAccuracy)) fail("mlp.accuracy が測った正解率と違います。テストデータで評価した値を割合(0〜1)で書いてください");
    if (!near(ca, facts.cnnAccuracy)) fail("cnn.accuracy が測った正解率と違います。テストデータで評価した値を割合(0〜1)で書いてください");

    if (typeof a.reason !== "string" || a.reason.trim() === "") fail("reason に、CNN がなぜ少ないパラメータでよく当たるのかを文章で書いてください");
    if (!SHARING.test(a.reason)) {
      fail("reason に重み共有 (同じフィルタを画像のすべての位置で使い回すこと) と局所性 (近くの画素だけを見ること) の観点を入れてください");
    }
    const ratio = truth.mlp / truth.cnn;
    return `(パラメータ数 MLP/CNN = ${ratio.toFixed(2)} 倍、正解率 ${(ma * 100).toFixed(1)}% → ${(ca * 100).toFixed(1)}%)`;
  });
}
