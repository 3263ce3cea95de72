// 演習4: batch normalization after each convolution, and the training loss of the first epoch.
// Graded: what the model computes, traced (lib/exercises/paths.ts): in `with`, every convolution whose result
// reaches the output hands that result directly to a BatchNorm of its channels (so the normalization sits between
// the convolution and its ReLU), and every BatchNorm used is such a one; `without` uses none (a field declared and
// never called counts for nothing). The two runs are real experiment() results with the same data, seed and
// settings, evaluated on the test data the exercise names, and the typed losses are the runs' own first-epoch
// training losses. The effect is reported, not graded (at lr 0.01 it is large for every seed measured; at lr 0.1
// batch norm can lose).
import type { ExperimentResult } from "../experiment";
import { BatchNorm, Conv2d, type TracedCall } from "../nn";
import { allModules, asNumber, asObject, fail, runCheck } from "./common";
import { callsOf, reachesOutput, sampleImages } from "./paths";
import { dataOf, expectEvaluatedOn, expectSame, expectSameSetting, withoutAndWith, type EvaluatedOn } from "./runs";

/** Fails with a hint unless batch norm is on the path right after each convolution in `with`, and nowhere in `without`. */
function expectBatchNormOnPath(off: ExperimentResult, on: ExperimentResult): void {
  const train = dataOf(on).train;
  if (!train || typeof train.batch !== "function") fail("with の訓練データが見つかりません。experiment() に train: を渡してください");
  const x = sampleImages(train);
  try {
    const used = (r: ExperimentResult): TracedCall[] => callsOf(r.model, train.shape, [Conv2d, BatchNorm]).filter((c) => reachesOutput(r.model, c.module, x));
    const calls = used(on);
    const convs = calls.filter((c) => c.module instanceof Conv2d);
    const bns = calls.filter((c) => c.module instanceof BatchNorm);
    const features = (c: TracedCall) => (c.module as BatchNorm).num_features;
    if (bns.length === 0) {
      if (!allModules(on.model).some((m) => m instanceof BatchNorm)) fail("with のモデルに BatchNorm が見つかりません。new ConvNet({ batchNorm: true }) のように畳み込みの後に入れてください");
      fail("with のモデルの BatchNorm は宣言されていますが、forward の計算に使われていません (呼んでいない・結果を捨てている)。x = tf.relu(this.bn1.forward(this.conv1.forward(x))) のように、畳み込みと ReLU の間で使ってください");
    }
    for (const conv of convs) {
      const out = (conv.module as Conv2d).out_channels;
      if (bns.some((b) => b.inputId === conv.outputId)) continue;
      if (bns.some((b) => features(b) === out)) {
        fail(`${conv.name} の出力がそのまま BatchNorm に渡っていません (ReLU などの後に置いていませんか)。tf.relu(bn(conv(x))) の順に、畳み込みの直後・ReLU の前に置いてください`);
      }
      fail(`${conv.name} (チャネル ${out}) の後に BatchNorm がありません。各畳み込み層の直後 (ReLU の前) に 1 つずつ置いてください`);
    }
    const stray = bns.filter((b) => !convs.some((c) => c.outputId === b.inputId));
    if (stray.length > 0) {
      fail(`BatchNorm(${stray.map(features).join(", ")}) が畳み込み層の直後ではないところ (全結合層の後など) で使われています。各畳み込み層 (チャネル ${convs.map((c) => (c.module as Conv2d).out_channels).join(", ")}) の直後に置いてください`);
    }
    if (used(off).some((c) => c.module instanceof BatchNorm)) fail("without のモデルにも BatchNorm が入っています。without はバッチ正規化なしの new ConvNet() にしてください");
  } finally {
    x.dispose();
  }
}

/**
 * 演習4. answer = {without, with, lossWithout, lossWith}: the experiment() results without and with batch
 * normalization, and their training losses of the first epoch (r.history.epochs[0].train_loss); facts.test = the
 * test data the runs must be evaluated on.
 */
export function ex4(answer: unknown, facts?: EvaluatedOn): void {
  runCheck(4, answer, "without, with, lossWithout, lossWith", () => {
    const a = asObject(answer, "{without, with, lossWithout, lossWith}");
    const [off, on] = withoutAndWith(a, "バッチ正規化", "new ConvNet({ batchNorm: true })");

    expectBatchNormOnPath(off, on);
    expectSameSetting(off, on, ["without", "with"]);
    expectEvaluatedOn([["without", off], ["with", on]], facts, "test_small", 4);

    const lw = asNumber(a.lossWithout, "lossWithout");
    const lb = asNumber(a.lossWith, "lossWith");
    for (const [typed, run, name, src] of [[lw, off, "lossWithout", "without"], [lb, on, "lossWith", "with"]] as const) {
      const first = run.history.epochs[0];
      const last = run.history.epochs[run.history.epochs.length - 1];
      if (Math.abs(typed - first.train_loss) > 5e-4) {
        if (Math.abs(typed - first.test_loss) <= 5e-4) fail(`${name} が ${run.evaluated_on === "valid" ? "検証" : "テスト"}損失になっています。訓練損失 ${src}.history.epochs[0].train_loss を使ってください`);
        if (run.history.epochs.length > 1 && Math.abs(typed - last.train_loss) <= 5e-4) fail(`${name} は最後ではなく 1 エポック目の訓練損失です (${src}.history.epochs[0].train_loss)`);
        expectSame(typed, first.train_loss, name, `${src}.history.epochs[0].train_loss`);
      }
    }
    const off1 = off.history.epochs[0].train_loss;
    const on1 = on.history.epochs[0].train_loss;
    const effect = on1 < off1 ? "バッチ正規化で下がりました" : "今回はバッチ正規化ありの方が大きくなりました (学習率が大きいと起こります。学習率 0.01 で試してください)";
    return `(1 エポック目の訓練損失 ${off1.toFixed(3)} → ${on1.toFixed(3)}: ${effect})`;
  });
}
