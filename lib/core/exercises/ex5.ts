// 演習5: channels 16/32, 32/64, 64/128 × kernel 3, 5: accuracy against the number of parameters.
// Each row carries its experiment() result; the checker matches the row to the model in it (channels, kernel,
// parameters), re-evaluates that model on the data the run was evaluated on, and compares the typed accuracy
// with it. All six runs must share their data and settings.
import type { ExperimentResult } from "../experiment";
import type { Module } from "../nn";
import { asFraction, asNumber, asObject, describe, fail, runCheck, shapeOf, toNested } from "./common";
import { asRun, dataOf, expectSameSetting, reevaluate } from "./runs";

export const EX5_CHANNELS: [number, number][] = [
  [16, 32],
  [32, 64],
  [64, 128],
];
export const EX5_KERNELS = [3, 5];

/** Parameters of new ConvNet({channels: [c1, c2], kernel: k}) (fc1 128 units, 10 classes). */
export function convNetParams(c1: number, c2: number, k: number, withBias = true): number {
  const side = Math.floor((28 - 2 * (k - 1)) / 2); // 28 → conv → conv → pool
  const b = withBias ? 1 : 0;
  const conv1 = k * k * 1 * c1 + b * c1;
  const conv2 = k * k * c1 * c2 + b * c2;
  const fc1 = side * side * c2 * 128 + b * 128;
  const fc2 = 128 * 10 + b * 10;
  return conv1 + conv2 + fc1 + fc2;
}

/** One row of 演習5's answer. */
export interface Ex5Row {
  channels: number[];
  kernel: number;
  params: number;
  accuracy: number;
  /** the experiment() result of this row's model */
  result: ExperimentResult;
}

const label = (c: number[], k: number) => `channels [${c.join(", ")}], kernel ${k}`;

type Conv = Module & { out_channels?: number; kernel_size?: number };

/** [c1, c2, k] of a run's model, read from its conv1 and conv2. */
function architecture(r: ExperimentResult): [number, number, number] | null {
  const m = r.model as Module & { conv1?: Conv; conv2?: Conv };
  if (!m.conv1 || !m.conv2 || typeof m.conv1.out_channels !== "number" || typeof m.conv2.out_channels !== "number") return null;
  return [m.conv1.out_channels, m.conv2.out_channels, m.conv1.kernel_size as number];
}

/**
 * 演習5. answer = [{channels: [16, 32], kernel: 3, params, accuracy, result}, …]: all 6 combinations, each once;
 * result = the row's experiment() result, accuracy = its test accuracy (result.test_acc), params = its
 * model's number of parameters.
 */
export function ex5(answer: unknown, _facts?: unknown): void {
  runCheck(5, answer, "channels・kernel・params・accuracy・result の 6 行", () => {
    if (!Array.isArray(answer)) fail(`答えは {channels: [c1, c2], kernel, params, accuracy, result} を 6 つ並べた配列で書いてください (今は ${describe(answer)})`);
    const seen = new Map<string, Record<string, unknown>>();
    answer.forEach((item, i) => {
      const row = asObject(item, `${i} 行目: {channels: [c1, c2], kernel, params, accuracy, result}`);
      const ch = toNested(row.channels, `${i} 行目の channels`);
      if (shapeOf(ch)?.join() !== "2") fail(`${i} 行目の channels は [c1, c2] のように数 2 つの配列で書いてください (今は ${describe(row.channels)})`);
      const k = asNumber(row.kernel, `${i} 行目の kernel`);
      const name = label(ch as number[], k);
      const known = EX5_CHANNELS.some((c) => c.join() === (ch as number[]).join()) && EX5_KERNELS.includes(k);
      if (!known) fail(`${name} は課題の組み合わせ (channels 16/32, 32/64, 64/128 × kernel 3, 5) にありません`);
      if (seen.has(name)) fail(`${name} が 2 回あります。各組み合わせは 1 回ずつにしてください`);
      seen.set(name, row);
    });
    const runs: [string, ExperimentResult][] = [];
    for (const c of EX5_CHANNELS) {
      for (const k of EX5_KERNELS) {
        const name = label(c, k);
        const row = seen.get(name);
        if (!row) fail(`${name} の行がありません。6 通りすべてを書いてください`);
        const r = asRun(row.result, `${name} の result`, "その組み合わせで学習した");
        const arch = architecture(r);
        if (!arch || arch.join() !== [c[0], c[1], k].join()) {
          fail(`${name} の行の result のモデルは ${arch ? label([arch[0], arch[1]], arch[2]) : "ConvNet ではありません"}です。行と同じ channels・kernel で学習した結果を入れてください`);
        }
        const p = asNumber(row.params, `${name} の params`);
        if (p === convNetParams(c[0], c[1], k, false)) fail(`${name} の params: バイアスを忘れていませんか`);
        if (p !== r.model.numParameters()) fail(`${name} の params が違います。result.model.numParameters() で数えてください`);
        asFraction(row.accuracy, `${name} の accuracy`);
        runs.push([name, r]);
      }
    }
    for (const [name, r] of runs.slice(1)) expectSameSetting(runs[0][1], r, [runs[0][0], name]);
    const rows = runs.map(([name, r]) => {
      const typed = seen.get(name)!.accuracy as number;
      const data = dataOf(r).evaluated;
      if (!data) fail(`${name} の result を評価したデータが見つかりません`);
      const acc = reevaluate(r.model, data);
      if (Math.abs(typed - acc) > 1.5 / data.length + 1e-9) {
        fail(`${name} の accuracy = ${typed} が、そのモデルをテストデータ ${data.length} 枚で評価し直した正解率 ${acc.toFixed(4)} と違います。result.test_acc を使ってください`);
      }
      return { name, acc };
    });
    const best = rows.reduce((x, y) => (y.acc > x.acc ? y : x));
    return `(6 つのモデルを評価し直しました。最も正解率が高いのは ${best.name}: ${(best.acc * 100).toFixed(1)}%)`;
  });
}
