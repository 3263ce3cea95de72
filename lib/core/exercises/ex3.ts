// 演習3: dropout in the CNN, and the gap (差) between training and test accuracy with and without it.
// Graded: the two runs are real experiment() results set up as a fair comparison (same data, seed and
// settings; training accuracy measured with dropout off), both evaluated on the test data the exercise names,
// dropout is applied in training in `with` and nowhere in `without` (what the model computes, not the fields it
// declares: two training-mode passes over the same images differ only when a dropout mask reaches the output, and
// eval mode must draw nothing), the model over-fits without dropout, and the typed gaps are the runs' own.
// The effect itself is reported, not graded: on 1,000 images it varies with the seed
// (scripts/measure-04-seeds.js; after 8 epochs −0.45 to 1.35 points over seeds 1-5, after the notebook's 16
// epochs 1.95 to 3.25 points), and a student's own setting may be noisier still.
import { Dropout } from "../nn";
import { allModules, asNumber, asObject, fail, runCheck } from "./common";
import { callsOf, randomness, reachesOutput, sampleImages } from "./paths";
import { dataOf, expectEvaluatedOn, expectSame, expectSameSetting, optionOf, withoutAndWith, type EvaluatedOn } from "./runs";
import type { ExperimentResult } from "../experiment";

const dropouts = (r: ExperimentResult) => allModules(r.model).filter((m): m is Dropout => m instanceof Dropout);

/** Fails with a hint unless dropout is applied in training (and only in training) in `with`, and not at all in `without`. */
function expectDropoutOnPath(off: ExperimentResult, on: ExperimentResult): void {
  const train = dataOf(on).train;
  if (!train || typeof train.batch !== "function") fail("with の訓練データが見つかりません。experiment() に train: を渡してください");
  const x = sampleImages(train);
  try {
    const r = randomness(on.model, x);
    if (!r.training) {
      const declared = dropouts(on);
      if (declared.length === 0) fail("with のモデルに Dropout が見つかりません。new ConvNet({ dropout: [0.25, 0.5] }) のように入れてください");
      if (!declared.some((d) => d.p > 0)) fail("with のモデルの Dropout の p がすべて 0 で、何も落としていません。0 < p < 1 にしてください");
      const called = callsOf(on.model, train.shape, [Dropout]).filter((c) => (c.module as Dropout).p > 0);
      if (called.length === 0) fail("with のモデルの Dropout は宣言されていますが、forward の中で呼ばれていません。x = this.drop1.forward(x) のように計算の途中で使ってください");
      if (!called.some((c) => reachesOutput(on.model, c.module, x))) {
        fail("with のモデルは Dropout を呼んでいますが、その結果が出力に届いていません (x = this.drop1.forward(x) の「x =」を忘れていませんか)");
      }
      fail("with のモデルは学習モードでも毎回同じ出力を返し、ドロップアウトがかかっていません。Dropout の結果を次の層に渡してください");
    }
    if (r.eval) fail("with のモデルは評価モード (eval) でも出力が毎回変わります。ドロップアウトは学習中だけにかけてください (nn.Dropout は eval() で自動的に止まります)");
    if (randomness(off.model, x).training) fail("without のモデルにもドロップアウトがかかっています。without はドロップアウトなしの new ConvNet() にしてください");
  } finally {
    x.dispose();
  }
}

/** A finite gap train − test accuracy, as a difference of fractions. */
function asGap(v: unknown, name: string): number {
  const g = asNumber(v, name);
  if (Math.abs(g) > 1) fail(`${name} は 0〜1 の正解率どうしの差で書いてください (百分率なら 100 で割ってください。今は ${g})`);
  return g;
}

const pts = (x: number) => (100 * x).toFixed(2);

/**
 * 演習3. answer = {without, with, gapWithout, gapWith}: the experiment() results without and with dropout, and
 * their gaps 訓練正解率 − テスト正解率 (fractions; r.gap); facts.test = the test data the runs must be evaluated on.
 */
export function ex3(answer: unknown, facts?: EvaluatedOn): void {
  runCheck(3, answer, "without, with, gapWithout, gapWith", () => {
    const a = asObject(answer, "{without, with, gapWithout, gapWith}");
    const [off, on] = withoutAndWith(a, "ドロップアウト", "new ConvNet({ dropout: [0.25, 0.5] })");

    expectDropoutOnPath(off, on);
    if (optionOf(off, "train_eval") === false || optionOf(on, "train_eval") === false) {
      fail("train_eval: false では、訓練正解率がドロップアウトをかけたままの (エポック中の) 値になり、差を公平に比べられません。train_eval は指定しないでください");
    }
    expectSameSetting(off, on, ["without", "with"]);
    expectEvaluatedOn([["without", off], ["with", on]], facts, "test_small", 3);

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
