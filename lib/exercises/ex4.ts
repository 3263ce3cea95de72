// 演習4: batch normalization after each convolution, and the loss after the first epoch.
import { allModules, asNumber, asObject, CheckResult, describe, fail, isModule, runCheck } from "./common";

type WithFields = { constructor: { name: string }; out_channels?: number; num_features?: number };

/**
 * 演習4. answer = {model: <ConvNet with BatchNorm>, lossWithout: number, lossWith: number}
 * (training loss after the first epoch, without and with batch normalization).
 */
export function ex4(answer: unknown, _facts: Record<string, unknown> = {}): CheckResult {
  return runCheck(4, answer, "model, lossWithout, lossWith", () => {
    const a = asObject(answer, "{model, lossWithout, lossWith}");
    if (!isModule(a.model)) fail(`model にはバッチ正規化を入れたモデル (例: new ConvNet({batchNorm: true})) を入れてください (今は ${describe(a.model)})`);
    const modules = allModules(a.model) as unknown as WithFields[];
    const convChannels = modules.filter((m) => m.constructor.name === "Conv2d").map((m) => m.out_channels as number);
    const bnFeatures = modules.filter((m) => m.constructor.name === "BatchNorm").map((m) => m.num_features as number);
    if (bnFeatures.length === 0) fail("model に BatchNorm が見つかりません。new ConvNet({batchNorm: true}) のように畳み込みの後に入れてください");
    const stray = bnFeatures.filter((n) => !convChannels.includes(n));
    if (stray.length > 0) {
      fail(`BatchNorm(${stray.join(", ")}) は畳み込み層の出力に合っていません。全結合層 (fc1 など) ではなく、各畳み込み層 (チャンネル ${convChannels.join(", ")}) の直後に置いてください`);
    }
    const missing = convChannels.filter((c) => !bnFeatures.includes(c));
    if (missing.length > 0) fail(`チャンネル ${missing.join(", ")} の畳み込み層の後に BatchNorm がありません。各畳み込み層の直後に 1 つずつ置いてください`);

    const without = asNumber(a.lossWithout, "lossWithout");
    const withBn = asNumber(a.lossWith, "lossWith");
    if (without < 0 || withBn < 0) fail("損失 (負の対数尤度) は 0 以上です。1 エポック目の訓練損失の値を書いてください");
    if (!(withBn < without)) {
      fail("バッチ正規化ありの方が 1 エポック目の損失が小さくなるはずです。同じシード・同じ学習率・同じデータで、1 エポック目の訓練損失どうしを比べてください");
    }
    return `(1 エポック目の損失 ${without.toFixed(3)} → ${withBn.toFixed(3)})`;
  });
}
