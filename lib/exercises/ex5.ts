// 演習5: channels 16/32, 32/64, 64/128 × kernel 3, 5: accuracy against the number of parameters.
import { asFraction, asNumber, asObject, CheckResult, fail, runCheck, shapeOf, toNested } from "./common";

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

const label = (c: number[], k: number) => `channels [${c.join(", ")}], kernel ${k}`;

/**
 * 演習5. answer = [{channels: [16, 32], kernel: 3, params: number, accuracy: number}, …]:
 * all 6 combinations, each once.
 */
export function ex5(answer: unknown, _facts: Record<string, unknown> = {}): CheckResult {
  return runCheck(5, answer, "channels・kernel・params・accuracy の 6 行", () => {
    if (!Array.isArray(answer)) fail("答えは {channels: [c1, c2], kernel, params, accuracy} を 6 つ並べた配列で書いてください");
    const seen = new Map<string, Record<string, unknown>>();
    answer.forEach((item, i) => {
      const row = asObject(item, `${i} 行目: {channels: [c1, c2], kernel, params, accuracy}`);
      const ch = toNested(row.channels);
      if (shapeOf(ch)?.join() !== "2") fail(`${i} 行目の channels は [c1, c2] のように数 2 つの配列で書いてください`);
      const k = asNumber(row.kernel, `${i} 行目の kernel`);
      const name = label(ch as number[], k);
      const known = EX5_CHANNELS.some((c) => c.join() === (ch as number[]).join()) && EX5_KERNELS.includes(k);
      if (!known) fail(`${name} は課題の組み合わせ (channels 16/32, 32/64, 64/128 × kernel 3, 5) にありません`);
      if (seen.has(name)) fail(`${name} が 2 回あります。各組み合わせは 1 回ずつにしてください`);
      seen.set(name, row);
    });
    for (const c of EX5_CHANNELS) {
      for (const k of EX5_KERNELS) {
        const name = label(c, k);
        const row = seen.get(name);
        if (!row) fail(`${name} の行がありません。6 通りすべてを書いてください`);
        const p = asNumber(row.params, `${name} の params`);
        if (p === convNetParams(c[0], c[1], k, false)) fail(`${name} の params: バイアスを忘れていませんか`);
        if (p !== convNetParams(c[0], c[1], k)) fail(`${name} の params が違います。model.numParameters() で数えてください`);
        asFraction(row.accuracy, `${name} の accuracy`);
      }
    }
    const rows = [...seen.entries()].map(([name, r]) => ({ name, acc: r.accuracy as number }));
    const best = rows.reduce((x, y) => (y.acc > x.acc ? y : x));
    return `(最も正解率が高いのは ${best.name}: ${(best.acc * 100).toFixed(1)}%)`;
  });
}
