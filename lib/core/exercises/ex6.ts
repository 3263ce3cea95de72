// 演習6: the first layer's kernels, its feature maps for one digit, and a Gabor filter.
import * as tf from "@tensorflow/tfjs";
import type { Conv2d, Module } from "../nn";
import { allClose, asObject, describe, fail, fmtShape, isBlank, isTensor, runCheck, sameShape, shapeOf, toNested } from "./common";

export interface Ex6Facts {
  /** any CNN whose first layer is `conv1` (lib's ConvNet or the notebook's own Net) */
  model: Module & { conv1: Conv2d };
  /** one normalized digit [1, 28, 28, 1] */
  image: tf.Tensor;
}

export interface GaborParams {
  theta: number;
  sigma: number;
  lambda: number;
  gamma?: number;
  psi?: number;
}

/** g = exp(−(x′² + γ²y′²)/(2σ²)) · cos(2πx′/λ + ψ), x′ = x cosθ + y sinθ, y′ = −x sinθ + y cosθ */
export function gaborReference(x: number, y: number, p: GaborParams, variant: "right" | "sin" | "noGauss" = "right"): number {
  const { theta, sigma, lambda, gamma = 0.5, psi = 0 } = p;
  const xr = x * Math.cos(theta) + y * Math.sin(theta);
  const yr = -x * Math.sin(theta) + y * Math.cos(theta);
  const envelope = variant === "noGauss" ? 1 : Math.exp(-(xr * xr + gamma * gamma * yr * yr) / (2 * sigma * sigma));
  const phase = (2 * Math.PI * xr) / lambda + psi;
  return envelope * (variant === "sin" ? Math.sin(phase) : Math.cos(phase));
}

// points where the student's gabor is compared with the formula; some leave γ and ψ out
const POINTS: [number, number, GaborParams][] = [
  [0, 0, { theta: 0, sigma: 2, lambda: 4 }],
  [1, 0.5, { theta: 0.3, sigma: 2, lambda: 5 }],
  [3, 2, { theta: 2, sigma: 4, lambda: 7 }],
  [-2, 1, { theta: Math.PI / 4, sigma: 3, lambda: 6, gamma: 0.8, psi: 0.5 }],
  [1.5, -2, { theta: 1.2, sigma: 2.5, lambda: 3, gamma: 0.3, psi: 1 }],
  [0.7, 0.2, { theta: 0.5, sigma: 1.5, lambda: 4, gamma: 0.5, psi: Math.PI / 2 }],
];

function checkKernels(given: unknown, weight: tf.Tensor): void {
  const [kh, kw, , out] = weight.shape;
  const k = toNested(given, "kernels");
  const s = shapeOf(k);
  if (sameShape(s, [kh, kw, out]) || sameShape(s, [kh, kw, 1, out])) {
    fail(`kernels の形が ${fmtShape(s!)} です。conv1.weight は [kh, kw, in, out] の順なので、tf.transpose で出力チャネルを先頭にして [${out}][${kh}][${kw}] にしてください`);
  }
  if (!sameShape(s, [out, kh, kw])) fail(`kernels は [${out}][${kh}][${kw}] の数の配列にしてください (今は ${s ? fmtShape(s) : describe(given)})`);
  const truth = tf.tidy(() => tf.transpose(tf.reshape(weight, [kh, kw, out]), [2, 0, 1]).arraySync());
  if (allClose(k, truth, 1e-5)) return;
  const swapped = (truth as number[][][]).map((m) => m[0].map((_, j) => m.map((row) => row[j])));
  if (allClose(k, swapped, 1e-5)) fail("kernels の各 3×3 の縦と横が入れ替わっています: kernels[k][i][j] = weight[i, j, 0, k] (i が縦)");
  fail("kernels の値が model.conv1.weight と違います。check に渡したモデルの conv1.weight から取り出してください");
}

function checkFeatureMaps(given: unknown, model: Ex6Facts["model"], image: tf.Tensor): void {
  const [pre, post] = tf.tidy(() => {
    const y = tf.transpose(tf.squeeze(model.conv1.forward(image.slice([0, 0, 0, 0], [1, -1, -1, -1])), [0]), [2, 0, 1]); // [out, h, w]
    return [y.arraySync(), tf.relu(y).arraySync()];
  });
  const want = shapeOf(post)!; // [out, 26, 26]
  const f = toNested(given, "featureMaps");
  const s = shapeOf(f);
  if (s === null) fail(`featureMaps は [${want.join("][")}] の数の配列にしてください (今は ${describe(given)})`);
  if (sameShape(s, [want[1], want[2], want[0]]) || sameShape(s, [1, want[1], want[2], want[0]])) {
    fail(`featureMaps がチャネル最後 (NHWC) のままです。featureMaps[k] が k 番目のチャネルの ${want[1]}×${want[2]} の画像になるよう、tf.transpose でチャネルを先頭にしてください`);
  }
  if (s.length === 3 && (s[1] !== want[1] || s[2] !== want[2])) {
    fail(`featureMaps は conv1 の直後 (プーリングや conv2 の前) の ${want[1]}×${want[2]} の特徴マップです (今は ${s[1]}×${s[2]})`);
  }
  if (!sameShape(s, want)) fail(`featureMaps の形は [${want.join("][")}] にしてください (今は ${fmtShape(s)})`);
  if (allClose(f, post, 1e-4)) return;
  if (allClose(f, pre, 1e-4)) fail("featureMaps: ReLU を忘れていませんか (tf.relu(model.conv1.forward(image)))");
  fail("featureMaps の値が relu(conv1(image)) と違います。check に渡した正規化済みの image と同じモデルを使ってください");
}

function checkGabor(gabor: unknown): void {
  if (typeof gabor !== "function") fail(`gabor は (x, y, {theta, sigma, lambda, gamma, psi}) => 数 の関数にしてください (今は ${describe(gabor)})`);
  const values = POINTS.map(([x, y, p]) => {
    let v: unknown;
    try {
      v = gabor(x, y, { ...p });
    } catch (e) {
      fail(`gabor(${x}, ${y}, …) がエラーになりました: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`gabor は数を返してください (gabor(${x}, ${y}, …) が ${describe(v)} を返しました)`);
    return v;
  });
  const matches = (variant: "right" | "sin" | "noGauss", only?: (p: GaborParams) => boolean) =>
    POINTS.every(([x, y, p], i) => (only && !only(p)) || Math.abs(values[i] - gaborReference(x, y, p, variant)) <= 1e-6);
  if (matches("right")) return;
  if (matches("sin")) fail("gabor: 波の部分は sin ではなく cos(2πx′/λ + ψ) です");
  if (matches("noGauss")) fail("gabor: ガウス包絡 exp(−(x′² + γ²y′²)/(2σ²)) を掛け忘れていませんか");
  if (matches("right", (p) => p.gamma !== undefined && p.psi !== undefined)) fail("gabor: gamma を省略したら 0.5、psi を省略したら 0 にしてください");
  fail("gabor の値が違います。x′ = x cosθ + y sinθ, y′ = −x sinθ + y cosθ, g = exp(−(x′² + γ²y′²)/(2σ²))·cos(2πx′/λ + ψ) を確認してください");
}

/**
 * 演習6. answer = {kernels, featureMaps, gabor}:
 *   kernels[k][i][j] = conv1.weight[i, j, 0, k]               ([out][kh][kw], e.g. [32][3][3])
 *   featureMaps[k][y][x] = relu(conv1(image))[0, y, x, k]      ([out][26][26])
 *   gabor(x, y, {theta, sigma, lambda, gamma = 0.5, psi = 0}) → number
 */
export function ex6(answer: unknown, facts: Ex6Facts): void {
  runCheck(6, answer, "kernels, featureMaps, gabor", () => {
    if (!facts || !isTensor(facts.model?.conv1?.weight) || !isTensor(facts.image)) {
      fail("check.ex6(answer, {model, image}) のように、モデルと正規化済みの数字画像 [1, 28, 28, 1] も渡してください");
    }
    const a = asObject(answer, "{kernels, featureMaps, gabor}");
    for (const key of ["kernels", "featureMaps", "gabor"]) if (isBlank(a[key])) fail(`${key} がまだ空です`);
    checkKernels(a.kernels, facts.model.conv1.weight);
    checkFeatureMaps(a.featureMaps, facts.model, facts.image);
    checkGabor(a.gabor);
    return "(第1層のカーネル・特徴マップ・ガボールフィルタがすべて合っています)";
  });
}
