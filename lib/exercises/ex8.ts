// 演習8: data augmentation (random shifts of ±2 pixels and small rotations), judged by accuracy
// on a shifted test set. The student's augment is run here on a few digit-like images.
import type { ImageDataset } from "../data/dataset";
import { Random } from "../random";
import { asFraction, asObject, CheckResult, describe, fail, isTensor, runCheck } from "./common";

const SHAPE: [number, number, number] = [28, 28, 1];
const SEEDS = [1, 2, 3, 4, 5, 6];

/** Three digit-like 28×28 images ("1", "7", "0") drawn with soft 3-pixel strokes. */
export function sampleDigits(): Uint8Array[] {
  const draw = (segments: [number, number, number, number][]) => {
    const img = new Uint8Array(784);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        let d = Infinity; // distance to the nearest stroke
        for (const [x0, y0, x1, y1] of segments) {
          const [vx, vy] = [x1 - x0, y1 - y0];
          const t = Math.max(0, Math.min(1, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
          d = Math.min(d, Math.hypot(x - x0 - t * vx, y - y0 - t * vy));
        }
        img[y * 28 + x] = Math.round(255 * Math.max(0, Math.min(1, 1.8 - d)));
      }
    }
    return img;
  };
  const ring: [number, number, number, number][] = [];
  for (let i = 0; i < 16; i++) {
    const [a, b] = [(i * Math.PI) / 8, ((i + 1) * Math.PI) / 8];
    ring.push([14 + 5 * Math.cos(a), 14 + 7 * Math.sin(a), 14 + 5 * Math.cos(b), 14 + 7 * Math.sin(b)]);
  }
  return [
    draw([[15, 6, 13, 21]]),
    draw([[9, 7, 19, 7], [19, 7, 13, 21]]),
    draw(ring),
  ];
}

function stats(img: Uint8Array): { total: number; cx: number; cy: number } {
  let total = 0, sx = 0, sy = 0;
  img.forEach((v, i) => {
    total += v;
    sx += v * (i % 28);
    sy += v * Math.floor(i / 28);
  });
  return { total, cx: sx / Math.max(total, 1), cy: sy / Math.max(total, 1) };
}

/** Runs the student's augment once; a hint for anything that is not 784 bytes. */
function run(augment: (...args: unknown[]) => unknown, img: Uint8Array, seed: number): Uint8Array {
  let out: unknown;
  try {
    out = augment(Uint8Array.from(img), [...SHAPE], new Random(seed));
  } catch (e) {
    fail(`augment を呼ぶとエラーになりました: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (isTensor(out)) fail("augment は tf.Tensor ではなく Uint8Array (28×28×1 = 784 バイト) を返してください");
  if (Object.prototype.toString.call(out) !== "[object Uint8Array]") {
    fail(`augment は Uint8Array を返してください (今は ${describe(out)}。Uint8Array.from(...) で変換できます)`);
  }
  const bytes = out as Uint8Array;
  if (bytes.length !== 784) fail(`augment の返す画像の長さが ${bytes.length} です。28×28×1 = 784 にしてください (形を変えずにずらしてください)`);
  return bytes;
}

/**
 * 演習8. answer = {augment: Augment, accPlain: number, accAugmented: number}
 * (accuracies on the shifted test set of the models trained without / with augmentation).
 * facts.dataset (optional): real 28×28 images to try the augment on instead of drawn digits.
 */
export function ex8(answer: unknown, facts: { dataset?: ImageDataset } = {}): CheckResult {
  return runCheck(8, answer, "augment, accPlain, accAugmented", () => {
    const a = asObject(answer, "{augment, accPlain, accAugmented}");
    const augment = a.augment;
    if (typeof augment !== "function") fail(`augment は (image, shape, rng) => Uint8Array の関数にしてください (今は ${describe(augment)})`);
    const ds = facts.dataset;
    const images = ds && ds.shape.join() === SHAPE.join() && ds.length >= 3 ? [0, 1, 2].map((i) => ds.image(i)) : sampleDigits();

    let changed = false;
    let varies = false;
    for (const img of images) {
      const before = stats(img);
      const outs = SEEDS.map((seed) => run(augment as (...args: unknown[]) => unknown, img, seed));
      for (const out of outs) {
        const after = stats(out);
        if (out.some((v, i) => v !== img[i])) changed = true;
        if (after.total < 0.05 * before.total) fail("augment の結果がほとんど真っ黒です。ずらしすぎていないか、値を 0〜255 のまま保っているか確認してください");
        const moved = Math.hypot(after.cx - before.cx, after.cy - before.cy);
        if (moved > 3.5) fail(`ずらしすぎです (重心が ${moved.toFixed(1)} ピクセル動きました)。シフトは ±2 ピクセル、回転は ±10° 程度にしてください`);
        if (after.total < 0.5 * before.total || after.total > 1.5 * before.total) {
          fail("augment で画像の明るさの合計が大きく変わりました。数字の形を保ったまま、ずらす・少し回すだけにしてください");
        }
      }
      const again = run(augment as (...args: unknown[]) => unknown, img, SEEDS[0]);
      if (again.some((v, i) => v !== outs[0][i])) fail("同じ seed の rng で結果が変わります。乱数は Math.random ではなく引数の rng (rng.int, rng.next) から取ってください");
      if (outs.some((o) => o.some((v, i) => v !== outs[0][i]))) varies = true;
    }
    if (!changed) fail("augment が画像を変えていません (入力をそのまま返していませんか?)。rng で選んだ量だけずらし・回転してください");
    if (!varies) fail("どの seed でも同じ変形になっています。ずらす量と角度を rng から毎回引いてください");

    const plain = asFraction(a.accPlain, "accPlain");
    const augmented = asFraction(a.accAugmented, "accAugmented");
    if (!(augmented > plain)) {
      fail("拡張ありで学習した方が、ずらしたテストデータで正解率が高くなるはずです。拡張は訓練データだけにかけ、両方を同じずらしたテストデータ (shiftedCopy) で評価してください");
    }
    return `(ずらしたテストデータで ${(plain * 100).toFixed(1)}% → ${(augmented * 100).toFixed(1)}%)`;
  });
}
