// 演習3: dropout in the CNN, and the gap (差) between training and test accuracy with and without it.
// Graded: the two runs are real experiment() results set up as a fair comparison (same data, seed and
// settings; dropout only in one; training accuracy measured with dropout off), the model over-fits without
// dropout, and the typed gaps are the runs' own. The effect itself is reported, not graded: on 1,000 images it
// varies with the seed (scripts/measure-04-seeds.js; after 8 epochs −0.45 to 1.35 points over seeds 1-5, after
// the notebook's 16 epochs 1.95 to 3.25 points), and a student's own setting may be noisier still.
import { allModules, asNumber, asObject, fail, runCheck } from "./common";
import { expectSame, expectSameSetting, optionOf, withoutAndWith } from "./runs";
import type { ExperimentResult } from "../experiment";

const rates = (r: ExperimentResult) =>
  allModules(r.model)
    .filter((m) => m.constructor.name === "Dropout")
    .map((d) => (d as unknown as { p: number }).p);

/** A finite gap train − test accuracy, as a difference of fractions. */
function asGap(v: unknown, name: string): number {
  const g = asNumber(v, name);
  if (Math.abs(g) > 1) fail(`${name} は 0〜1 の正解率どうしの差で書いてください (百分率なら 100 で割ってください。今は ${g})`);
  return g;
}

const pts = (x: number) => (100 * x).toFixed(2);

/**
 * 演習3. answer = {without, with, gapWithout, gapWith}: the experiment() results without and with dropout, and
 * their gaps 訓練正解率 − テスト正解率 (fractions; r.gap).
 */
export function ex3(answer: unknown, _facts?: unknown): void {
  runCheck(3, answer, "without, with, gapWithout, gapWith", () => {
    const a = asObject(answer, "{without, with, gapWithout, gapWith}");
    const [off, on] = withoutAndWith(a, "ドロップアウト", "new ConvNet({ dropout: [0.25, 0.5] })");

    const pOn = rates(on);
    if (pOn.length === 0) fail("with のモデルに Dropout が見つかりません。new ConvNet({ dropout: [0.25, 0.5] }) のように入れてください");
    if (!pOn.some((p) => p > 0)) fail("with のモデルの Dropout の p がすべて 0 で、何も落としていません。0 < p < 1 にしてください");
    if (rates(off).some((p) => p > 0)) fail("without のモデルにも Dropout が入っています。without はドロップアウトなしの new ConvNet() にしてください");
    if (optionOf(off, "train_eval") === false || optionOf(on, "train_eval") === false) {
      fail("train_eval: false では、訓練正解率がドロップアウトをかけたままの (エポック中の) 値になり、差を公平に比べられません。train_eval は指定しないでください");
    }
    expectSameSetting(off, on, ["without", "with"]);

    const gw = asGap(a.gapWithout, "gapWithout");
    const gd = asGap(a.gapWith, "gapWith");
    expectSame(gw, off.gap, "gapWithout", "without.gap");
    expectSame(gd, on.gap, "gapWith", "with.gap");
    if (off.gap < 0.02) {
      fail(`ドロップアウトなしでも差が ${pts(off.gap)} ポイントしかなく、過学習していません。訓練データを 1,000 枚程度に減らして (エポックを増やして) から比べてください`);
    }
    const d = off.gap - on.gap;
    const effect =
      d > 0
        ? `ドロップアウトで差が ${pts(d)} ポイント縮みました`
        : `今回は差が縮みませんでした (${pts(-d)} ポイント広がりました)。この大きさの効果はシードによって揺れます`;
    return `(差 ${pts(off.gap)} → ${pts(on.gap)} ポイント: ${effect})`;
  });
}
