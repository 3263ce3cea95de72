// 演習4: batch normalization after each convolution, and the training loss of the first epoch.
// Graded: the BatchNorm layers are in the right places, the two runs are real experiment() results with the
// same data, seed and settings, and the typed losses are the runs' own first-epoch training losses. The effect
// is reported, not graded (at lr 0.01 it is large for every seed measured; at lr 0.1 batch norm can lose).
import type { ExperimentResult } from "../experiment";
import { allModules, asNumber, asObject, fail, runCheck } from "./common";
import { expectSame, expectSameSetting, withoutAndWith } from "./runs";

type WithFields = { constructor: { name: string }; out_channels?: number; num_features?: number };

const modulesOf = (r: ExperimentResult) => allModules(r.model) as unknown as WithFields[];

/**
 * 演習4. answer = {without, with, lossWithout, lossWith}: the experiment() results without and with batch
 * normalization, and their training losses of the first epoch (r.history.epochs[0].train_loss).
 */
export function ex4(answer: unknown, _facts?: unknown): void {
  runCheck(4, answer, "without, with, lossWithout, lossWith", () => {
    const a = asObject(answer, "{without, with, lossWithout, lossWith}");
    const [off, on] = withoutAndWith(a, "バッチ正規化", "new ConvNet({ batchNorm: true })");

    const modules = modulesOf(on);
    const convChannels = modules.filter((m) => m.constructor.name === "Conv2d").map((m) => m.out_channels as number);
    const bnFeatures = modules.filter((m) => m.constructor.name === "BatchNorm").map((m) => m.num_features as number);
    if (bnFeatures.length === 0) fail("with のモデルに BatchNorm が見つかりません。new ConvNet({ batchNorm: true }) のように畳み込みの後に入れてください");
    const stray = bnFeatures.filter((n) => !convChannels.includes(n));
    if (stray.length > 0) {
      fail(`BatchNorm(${stray.join(", ")}) は畳み込み層の出力に合っていません。全結合層 (fc1 など) ではなく、各畳み込み層 (チャネル ${convChannels.join(", ")}) の直後に置いてください`);
    }
    const missing = convChannels.filter((c) => !bnFeatures.includes(c));
    if (missing.length > 0) fail(`チャネル ${missing.join(", ")} の畳み込み層の後に BatchNorm がありません。各畳み込み層の直後に 1 つずつ置いてください`);
    if (modulesOf(off).some((m) => m.constructor.name === "BatchNorm")) fail("without のモデルにも BatchNorm が入っています。without はバッチ正規化なしの new ConvNet() にしてください");
    expectSameSetting(off, on, ["without", "with"]);

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
