// 演習3: dropout in the CNN, and the gap between training and test accuracy with and without it.
import { allModules, asNumber, asObject, CheckResult, describe, fail, isModule, runCheck } from "./common";

/** A finite gap train − test accuracy, as a difference of fractions. */
function asGap(v: unknown, name: string): number {
  const g = asNumber(v, name);
  if (Math.abs(g) > 1) fail(`${name} は 0〜1 の正解率どうしの差で書いてください (百分率なら 100 で割ってください。今は ${g})`);
  return g;
}

/**
 * 演習3. answer = {model: <ConvNet with Dropout>, gapWithout: number, gapWith: number}
 * where gap = training accuracy − test accuracy (fractions).
 */
export function ex3(answer: unknown, _facts: Record<string, unknown> = {}): CheckResult {
  return runCheck(3, answer, "model, gapWithout, gapWith", () => {
    const a = asObject(answer, "{model, gapWithout, gapWith}");
    if (!isModule(a.model)) fail(`model には Dropout を入れたモデル (例: new ConvNet({dropout: [0.25, 0.5]})) を入れてください (今は ${describe(a.model)})`);
    const drops = allModules(a.model).filter((m) => m.constructor.name === "Dropout");
    const rates = drops.map((d) => (d as unknown as { p: number }).p);
    if (drops.length === 0) fail("model に Dropout が見つかりません。new ConvNet({dropout: [0.25, 0.5]}) のように Dropout を入れてください");
    if (rates.some((p) => !(p < 1))) fail("Dropout の p が 1 以上です。p は落とす割合で、0 < p < 1 にしてください (例 0.25, 0.5)");
    if (!rates.some((p) => p > 0)) fail("Dropout の p が 0 で、何も落としていません。0 < p < 1 にしてください");

    const without = asGap(a.gapWithout, "gapWithout");
    const withDrop = asGap(a.gapWith, "gapWith");
    if (without < 0) fail("gapWithout が負です。ギャップは 訓練の正解率 − テストの正解率 です");
    if (!(withDrop < without)) {
      fail(
        "Dropout ありの方がギャップが小さくなるはずです。訓練データを減らす・エポックを増やすなどで過学習させてから比べてください。" +
          "評価では model.eval() で Dropout をオフに、訓練では model.train() でオンにしているかも確認してください",
      );
    }
    return `(ギャップ ${(without * 100).toFixed(1)} → ${(withDrop * 100).toFixed(1)} ポイント)`;
  });
}
