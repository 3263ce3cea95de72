// 演習8: data augmentation (random shifts of ±2 pixels and small rotations), judged on a shifted test set.
// The student's augment is run here on test images with several seeds of the generator; every output must be
// a shift (±2 pixels) and rotation (±10°) of the input, found by search (so brightness changes or painted
// pixels are not augmentation in this exercise), the same seed must give the same output, and the outputs must
// vary. The accuracies are read from the two experiment() results (genuine, same setting apart from the
// augmentation), whose models are re-evaluated; the effect is reported, not graded.
import type { ImageDataset } from "../data/dataset";
import { rotateImage } from "../data/augment";
import type { ExperimentResult } from "../experiment";
import { Random } from "../random";
import { asFraction, asObject, describe, fail, isTensor, runCheck } from "./common";
import { asRun, dataOf, expectSame, expectSameSetting, reevaluate } from "./runs";

const SHAPE: [number, number, number] = [28, 28, 1];
/** seeds of the generator; each runs the augment on every test image in turn, as a DataLoader would */
const SEEDS = [1, 2, 3, 42, 1234, 99991];
/** the ranges the exercise states, and how far the search looks beyond them */
export const EX8_MAX_SHIFT = 2;
export const EX8_MAX_DEGREES = 10;
const SEARCH_DEGREES = 24;
/**
 * Largest relative L1 difference (after a 3×3 blur) between an output and the closest shift/rotation of its
 * input that counts as "the same image". Measured on the sample digits: shiftImage/rotateImage in either order
 * ≤ 0.014; brightness ×0.95〜1.05 0.05, five white pixels 0.23, noise ±10 0.20.
 */
export const EX8_TOLERANCE = 0.03;

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

/** Runs the student's augment once; a hint for anything that is not 784 bytes. */
function run(augment: (...args: unknown[]) => unknown, img: Uint8Array, rng: Random): Uint8Array {
  let out: unknown;
  try {
    out = augment(Uint8Array.from(img), [...SHAPE], rng);
  } catch (e) {
    fail(`augment を呼ぶとエラーになりました: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out instanceof Promise) fail("augment は Promise ではなく Uint8Array をそのまま返してください (async にしないでください)");
  if (isTensor(out)) fail("augment は tf.Tensor ではなく Uint8Array (28×28×1 = 784 バイト) を返してください");
  if (Object.prototype.toString.call(out) !== "[object Uint8Array]") {
    fail(`augment は Uint8Array を返してください (今は ${describe(out)}。Uint8Array.from(...) で変換できます)`);
  }
  const bytes = out as Uint8Array;
  if (bytes.length !== 784) fail(`augment の返す画像の長さが ${bytes.length} です。28×28×1 = 784 にしてください (形を変えずにずらしてください)`);
  return bytes;
}

export interface Geometric {
  dx: number;
  dy: number;
  degrees: number;
  /** Σ|out − shift(rotate(input))| / Σ input */
  error: number;
}

/** 3×3 box blur (zero outside), so that different interpolations of the same motion compare as equal. */
function blur(img: ArrayLike<number>): Float32Array {
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let s = 0;
      for (let v = y - 1; v <= y + 1; v++) for (let u = x - 1; u <= x + 1; u++) if (u >= 0 && v >= 0 && u < 28 && v < 28) s += img[v * 28 + u];
      out[y * 28 + x] = s / 9;
    }
  }
  return out;
}

/**
 * img moved rigidly: output pixel p comes from R(−θ)(p − c − t) + c (c the centre, bilinear, 0 outside). Both
 * rotate-then-shift (t = d) and shift-then-rotate (t = R(θ)d) are of this form.
 */
function warp(img: ArrayLike<number>, degrees: number, tx: number, ty: number): Float32Array {
  const out = new Float32Array(784);
  const t = (degrees * Math.PI) / 180;
  const [cos, sin, c] = [Math.cos(t), Math.sin(t), 13.5];
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : img[y * 28 + x]);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const u = x - c - tx;
      const v = y - c - ty;
      const sx = c + u * cos - v * sin;
      const sy = c + u * sin + v * cos;
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      const fx = sx - ix;
      const fy = sy - iy;
      out[y * 28 + x] = (1 - fx) * (1 - fy) * at(ix, iy) + fx * (1 - fy) * at(ix + 1, iy) + (1 - fx) * fy * at(ix, iy + 1) + fx * fy * at(ix + 1, iy + 1);
    }
  }
  return out;
}

function centroid(img: ArrayLike<number>): [number, number, number] {
  let s = 0, sx = 0, sy = 0;
  for (let i = 0; i < 784; i++) {
    s += img[i];
    sx += img[i] * (i % 28);
    sy += img[i] * Math.floor(i / 28);
  }
  return [sx / Math.max(s, 1), sy / Math.max(s, 1), s];
}

/**
 * The rigid motion (rotation |θ| ≤ 24° about the centre, then a translation) of `img` closest to `out`, as
 * the relative L1 difference of the two images after a 3×3 blur: Σ|blur(out) − blur(motion(img))| / Σ img.
 * The translation starts from the centroids and is refined on a quarter-pixel grid; θ every 2°, then 0.25°.
 */
export function closestShiftRotation(img: Uint8Array, out: Uint8Array): Geometric {
  const [ix, iy, total] = centroid(img);
  if (out.every((v, i) => v === img[i])) return { dx: 0, dy: 0, degrees: 0, error: 0 };
  const [ox, oy] = centroid(out);
  const target = blur(out);
  const source = blur(img);
  // (blurring before moving instead of after: the same up to rounding, and one blur instead of hundreds)
  const cost = (deg: number, tx: number, ty: number) => {
    const w = warp(source, deg, tx, ty);
    let d = 0;
    for (let i = 0; i < 784; i++) d += Math.abs(target[i] - w[i]);
    return d / Math.max(total, 1);
  };
  // the translation that maps the moved centroid of img onto the centroid of out (p − c − t = Mᵀ(s − c))
  const start = (deg: number): [number, number] => {
    const t = (deg * Math.PI) / 180;
    const [u, v] = [ix - 13.5, iy - 13.5];
    return [ox - 13.5 - (u * Math.cos(t) + v * Math.sin(t)), oy - 13.5 - (-u * Math.sin(t) + v * Math.cos(t))];
  };
  let best: Geometric = { dx: 0, dy: 0, degrees: 0, error: Infinity };
  const consider = (deg: number, tx: number, ty: number) => {
    const e = cost(deg, tx, ty);
    if (e < best.error) best = { dx: tx, dy: ty, degrees: deg, error: e };
  };
  for (let deg = -SEARCH_DEGREES; deg <= SEARCH_DEGREES; deg += 2) consider(deg, ...start(deg));
  for (const step of [0.5, 0.25]) {
    const { degrees, dx, dy } = best;
    for (let deg = degrees - 2 * step; deg <= degrees + 2 * step + 1e-9; deg += step) {
      for (const ddx of [-step, 0, step]) for (const ddy of [-step, 0, step]) consider(deg, dx + ddx, dy + ddy);
    }
  }
  return best;
}

/**
 * 演習8. answer = {augment, plain, augmented, accPlain, accAugmented}: the augment function, the experiment()
 * results trained without and with it (evaluated on the shifted test data), and their test accuracies
 * (plain.test_acc, augmented.test_acc). facts.dataset (optional): real 28×28 images to try the augment on.
 */
export function ex8(answer: unknown, facts: { dataset?: ImageDataset } = {}): void {
  runCheck(8, answer, "augment, plain, augmented, accPlain, accAugmented", () => {
    const a = asObject(answer, "{augment, plain, augmented, accPlain, accAugmented}");
    const augment = a.augment;
    if (typeof augment !== "function") fail(`augment は (image, shape, rng) => Uint8Array の関数にしてください (今は ${describe(augment)})`);
    checkAugment(augment as (...args: unknown[]) => unknown, facts?.dataset);

    const plain = asRun(a.plain, "plain", "データ拡張なし");
    const aug = asRun(a.augmented, "augmented", "データ拡張あり");
    if (plain === aug) fail("plain と augmented が同じ実験結果です。拡張なしとありで 2 回 experiment() を実行してください");
    const [tp, ta] = [dataOf(plain).train, dataOf(aug).train];
    if (tp?.augment) fail("plain の訓練データにもデータ拡張がかかっています。plain は拡張なしの訓練データで学習してください");
    if (!ta?.augment) fail("augmented の訓練データにデータ拡張がかかっていません。train: 訓練データ.with({ augment }) で学習してください");
    if (ta.augment !== augment) fail("augmented の学習に使った augment が、答えの augment と違う関数です。同じ関数を使ってください");
    expectSameSetting(plain, aug, ["plain", "augmented"], true);

    const ap = asFraction(a.accPlain, "accPlain");
    const aa = asFraction(a.accAugmented, "accAugmented");
    const data = dataOf(plain).evaluated;
    if (!data) fail("plain を評価したデータが見つかりません");
    const [rp, ra] = [reevaluate(plain.model, data), reevaluate(aug.model, data)];
    expectSame(ap, rp, "accPlain", "plain.test_acc", 1.5 / data.length);
    expectSame(aa, ra, "accAugmented", "augmented.test_acc", 1.5 / data.length);
    const pct = (x: number) => (x * 100).toFixed(1);
    const effect = ra > rp ? "データ拡張で上がりました" : "今回は上がりませんでした";
    return `(ずらしたテストデータで ${pct(rp)}% → ${pct(ra)}%: ${effect})`;
  });
}

/** augment functions that passed checkAugment on the sample digits (a re-run cell makes a new function) */
const passed = new WeakSet<object>();

/** Runs the augment on test images with several seeds; fails with a hint unless it is a seeded shift/rotation. */
export function checkAugment(augment: (...args: unknown[]) => unknown, dataset?: ImageDataset): void {
  if (passed.has(augment) && !dataset) return;
  const ds = dataset;
  const images = ds && ds.shape.join() === SHAPE.join() && ds.length >= 3 ? [0, 1, 2].map((i) => ds.image(i)) : sampleDigits();
  const outputs: Uint8Array[][] = SEEDS.map((seed) => {
    const rng = new Random(seed);
    return images.map((img) => run(augment, img, rng));
  });
  // the same seed, the same images
  const again = (() => {
    const rng = new Random(SEEDS[0]);
    return images.map((img) => run(augment, img, rng));
  })();
  if (again.some((o, i) => o.some((v, j) => v !== outputs[0][i][j]))) {
    fail("同じシードの rng で結果が変わります。乱数は Math.random ではなく引数の rng (rng.int, rng.next) から取ってください");
  }
  let changed = false;
  const distinct = new Set<string>();
  outputs.forEach((outs) =>
    outs.forEach((out, i) => {
      const img = images[i];
      if (out.some((v, j) => v !== img[j])) changed = true;
      distinct.add(`${i}:${Buffer.from(out).toString("base64")}`);
      const inkIn = img.reduce((s, v) => s + v, 0);
      const inkOut = out.reduce((s, v) => s + v, 0);
      if (inkOut < 0.05 * inkIn) fail("augment の結果がほとんど真っ黒です。ずらしすぎていないか、値を 0〜255 のまま保っているか確認してください");
      const g = closestShiftRotation(img, out);
      if (g.error > EX8_TOLERANCE) {
        fail(
          "augment の結果が、元の画像を平行移動・回転したものになっていません (明るさを変える・画素を書き足す・ノイズを足す、などが入っていませんか)。" +
            "この演習の拡張は shiftImage と rotateImage (双線形補間) による ±2 ピクセルの平行移動と ±10° 程度の回転だけです",
        );
      }
      // (shift-then-rotate turns the shift vector: up to 2cos10° + 2sin10° ≈ 2.3 pixels on one axis)
      const shift = Math.max(Math.abs(g.dx), Math.abs(g.dy));
      if (shift > EX8_MAX_SHIFT + 0.6) fail(`ずらしすぎです (約 ${Math.round(shift)} ピクセル)。平行移動は ±${EX8_MAX_SHIFT} ピクセルまでにしてください`);
      if (Math.abs(g.degrees) > EX8_MAX_DEGREES + 0.5) fail(`回しすぎです (約 ${Math.round(Math.abs(g.degrees))}°)。回転は ±${EX8_MAX_DEGREES}° までにしてください`);
    }),
  );
  if (!changed) fail("augment が画像を変えていません (入力をそのまま返していませんか?)。rng で選んだ量だけずらし・回転してください");
  if (distinct.size <= images.length) fail("どのシードの rng でも同じ変形になっています。ずらす量と角度を rng から毎回引いてください");
  if (!dataset) passed.add(augment);
}
