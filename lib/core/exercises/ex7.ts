// 演習7: the confusion matrix (rows = true class, columns = predicted) and the most confused pair.
import { confusionCounts } from "../metrics";
import { asObject, describe, fail, flatten, isBlank, runCheck, shapeOf, toNested } from "./common";

export interface Ex7Facts {
  /** predicted classes */
  pred: ArrayLike<number>;
  /** true classes */
  target: ArrayLike<number>;
}

/**
 * 演習7. answer = {matrix: number[][] (10×10, matrix[true][predicted]), pair: [true, predicted]}
 * where pair is the largest cell off the diagonal.
 */
export function ex7(answer: unknown, facts: Ex7Facts): void {
  runCheck(7, answer, "matrix と pair", () => {
    const a = asObject(answer, "{matrix, pair}");
    if (isBlank(a.matrix)) fail("matrix がまだ空です");
    if (isBlank(a.pair)) fail("pair がまだ空です");
    if (!facts || facts.pred?.length === undefined || facts.pred.length !== facts.target?.length) {
      fail("check.ex7(answer, {pred, target}) のように、同じ長さの予測と正解ラベルも渡してください");
    }
    const n = facts.target.length;
    const classes = [...Array.from(facts.target), ...Array.from(facts.pred)].reduce((c, v) => Math.max(c, v + 1), 10);
    const truth = confusionCounts(facts.pred, facts.target, classes);

    const m = toNested(a.matrix, "matrix") as number[][];
    if (shapeOf(m)?.join() !== `${classes},${classes}`) fail(`matrix は ${classes}×${classes} の数の配列 (行 = 正解, 列 = 予測) にしてください (今は ${describe(a.matrix)})`);
    const total = flatten(m).reduce((s, v) => s + v, 0);
    if (total !== n) fail(`matrix の合計 ${total} が例の数 ${n} と合いません。すべての例を 1 回ずつ数えてください`);
    const transposed = m.every((row, i) => row.every((v, j) => v === truth[j][i]));
    for (let i = 0; i < classes; i++) {
      for (let j = 0; j < classes; j++) {
        if (m[i][j] === truth[i][j]) continue;
        if (transposed) fail("matrix の行と列が逆です。行が正解ラベル、列が予測ラベル (matrix[正解][予測]) です");
        fail(`matrix[${i}][${j}] (正解 ${i} を ${j} と予測した数) が違います`);
      }
    }

    const p = toNested(a.pair, "pair") as number[];
    const ok = shapeOf(p)?.join() === "2" && p.every((v) => Number.isInteger(v) && v >= 0 && v < classes);
    if (!ok) fail(`pair は [正解, 予測] のように 0〜${classes - 1} の整数 2 つの配列にしてください (今は ${describe(a.pair)})`);
    if (p[0] === p[1]) fail("pair が対角 (正しく当たった数) を指しています。対角以外で最も大きいセルを選んでください");
    const largest = Math.max(...truth.flatMap((row, i) => row.filter((_, j) => j !== i)));
    if (truth[p[0]][p[1]] === largest) return `(最も多い間違いは 正解 ${p[0]} → 予測 ${p[1]}: ${largest} 件)`;
    if (truth[p[1]][p[0]] === largest) fail("pair の順が逆です。[正解, 予測] の順にしてください");
    fail("pair は対角以外で最も大きいセル (最も多い間違い) の [正解, 予測] です");
  });
}
