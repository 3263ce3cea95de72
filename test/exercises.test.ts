import * as tf from "@tensorflow/tfjs";
import { randomShiftRotate, shiftImage } from "../lib/data/augment";
import type { Augment } from "../lib/data/dataset";
import { check, CheckResult } from "../lib/exercises";
import { convNetParams } from "../lib/exercises/ex5";
import { ConvNet, Net } from "../lib/models";
import { BatchNorm, Conv2d, Linear, Module } from "../lib/nn";
import { manualSeed } from "../lib/random";
import { backend } from "./helpers";

let log: jest.SpyInstance;
let badTensor: tf.Tensor;
let model: ConvNet; // the slide's CNN: 32, 64 channels, 3×3

beforeAll(async () => {
  await backend();
  manualSeed(0);
  model = new ConvNet();
  badTensor = tf.zeros([2, 3]);
});
afterAll(() => {
  model.dispose();
  badTensor.dispose();
});
beforeEach(() => {
  log = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => log.mockRestore());

/** Runs a check and asserts that it printed exactly its own message, once. */
function run(fn: () => CheckResult): CheckResult {
  log.mockClear();
  let r: CheckResult | undefined;
  expect(() => (r = fn())).not.toThrow();
  expect(log).toHaveBeenCalledTimes(1);
  expect(log.mock.calls[0][0]).toBe(r!.message);
  return r!;
}
function expectCorrect(fn: () => CheckResult, n: number): void {
  const r = run(fn);
  expect(r).toMatchObject({ exercise: n, status: "correct" });
  expect(r.message).toMatch(new RegExp(`^演習${n}: ✔ 正解`));
}
function expectHint(fn: () => CheckResult, hint: RegExp): void {
  const r = run(fn);
  expect(r.status).toBe("wrong");
  expect(r.message).toMatch(/^演習\d: ✘ /);
  expect(r.message).toMatch(hint);
}
function expectUnanswered(fn: () => CheckResult): void {
  const r = run(fn);
  expect(r.status).toBe("unanswered");
  expect(r.message).toMatch(/^演習\d: 未解答 \(.+に答えを書いてください\)$/);
}
const bad = () => [NaN, "abc", null, 42, true, badTensor, [1, 2, 3], () => 1, {}, { x: 1 }];
/** Bad values at the top and in each field of a right answer: never a crash, never ✔ (`valid` lists the exceptions). */
function expectRobust(checker: (a: unknown) => CheckResult, right: Record<string, unknown>, valid: (key: string, b: unknown) => boolean = () => false): void {
  for (const b of bad()) {
    expect(["wrong", "unanswered"]).toContain(run(() => checker(b)).status);
    for (const key of Object.keys(right)) {
      if (valid(key, b)) continue;
      expect(["wrong", "unanswered"]).toContain(run(() => checker({ ...right, [key]: b })).status);
    }
  }
}

// ---- 演習1 ----------------------------------------------------------------------------------
describe("演習1: shapes and parameters of every layer", () => {
  const right = () => ({
    conv1: { shape: [26, 26, 32], params: 320 },
    conv2: { shape: [24, 24, 64], params: 18496 },
    pool: { shape: [12, 12, 64], params: 0 },
    fc1: { shape: [128], params: 1179776 },
    fc2: { shape: [10], params: 1290 },
  });
  const ex1 = (a: unknown) => check.ex1(a, model);
  test("the right answer passes", () => expectCorrect(() => ex1(right()), 1));
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex1(undefined));
    const blank = { shape: undefined, params: undefined };
    expectUnanswered(() => ex1({ conv1: blank, conv2: blank, pool: blank, fc1: blank, fc2: blank }));
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => ex1({ ...right(), conv1: { shape: [32, 26, 26], params: 320 } }), /NHWC/);
    expectHint(() => ex1({ ...right(), conv1: { shape: [28, 28, 32], params: 320 } }), /28−3\+1/);
    expectHint(() => ex1({ ...right(), conv2: { shape: [26, 26, 64], params: 18496 } }), /26−3\+1/);
    expectHint(() => ex1({ ...right(), conv1: { shape: [1, 26, 26, 32], params: 320 } }), /バッチ軸/);
    const noBias = right();
    [noBias.conv1.params, noBias.conv2.params, noBias.fc1.params, noBias.fc2.params] = [288, 18432, 1179648, 1280];
    expectHint(() => ex1(noBias), /conv1\.params: バイアスを忘れていませんか/);
    expectHint(() => ex1({ ...right(), fc1: { shape: [128], params: 1179648 } }), /fc1\.params: バイアス/);
    expectHint(() => ex1({ ...right(), fc1: { shape: [128], params: 26 * 26 * 64 * 128 + 128 } }), /12×12×64=9216/);
    expectHint(() => ex1({ ...right(), pool: { shape: [12, 12, 64], params: 128 } }), /パラメータがありません/);
    expectHint(() => ex1({ ...right(), pool: { shape: [24, 24, 64], params: 0 } }), /半分/);
    expectHint(() => ex1({ ...right(), fc2: undefined }), /fc2 がまだ空です/);
    expectHint(() => ex1({ ...right(), conv1: { shape: "26,26,32", params: 320 } }), /数の配列/);
  });
  test("the truth comes from the model: other channels are checked correctly", () => {
    const small = new ConvNet({ channels: [16, 32] });
    const answer = {
      conv1: { shape: [26, 26, 16], params: 160 },
      conv2: { shape: [24, 24, 32], params: 4640 },
      pool: { shape: [12, 12, 32], params: 0 },
      fc1: { shape: [128], params: 12 * 12 * 32 * 128 + 128 },
      fc2: { shape: [10], params: 1290 },
    };
    expectCorrect(() => check.ex1(answer, small), 1);
    expectHint(() => check.ex1(right(), small), /conv1/);
    expectHint(() => check.ex1({ ...answer, fc1: { shape: [128], params: 1179776 } }, small), /12×12×32=4608/);
    small.dispose();
  });
  test("bad values never crash", () => expectRobust(ex1, right()));
  test("the model is left as it was (training mode, forward)", () => {
    model.train();
    ex1(right());
    expect(model.training).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(model.conv1, "forward")).toBe(false);
  });
});

// ---- 演習2 ----------------------------------------------------------------------------------
describe("演習2: MLP against CNN", () => {
  let mlp: Net;
  beforeAll(() => (mlp = new Net()));
  afterAll(() => mlp.dispose());
  const facts = () => ({ mlp, cnn: model, mlpAccuracy: 0.9712, cnnAccuracy: 0.9891 });
  const right = () => ({
    mlp: { params: 1238730, accuracy: 0.971 },
    cnn: { params: 1199882, accuracy: 0.989 },
    reason: "畳み込みは同じフィルタを全位置で使う重み共有と局所性のおかげ",
  });
  const ex2 = (a: unknown) => check.ex2(a, facts());
  test("the right answer passes (English reason too)", () => {
    expectCorrect(() => ex2(right()), 2);
    expectCorrect(() => ex2({ ...right(), reason: "Weight sharing: the same kernel everywhere" }), 2);
    expectCorrect(() => ex2({ ...right(), reason: "the filters are SHARED across positions" }), 2);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex2(undefined));
    expectUnanswered(() => ex2({ mlp: { params: undefined, accuracy: undefined }, cnn: { params: undefined, accuracy: undefined }, reason: undefined }));
  });
  test("typical mistakes get their hints", () => {
    const r = right();
    expectHint(() => ex2({ ...r, mlp: { ...r.mlp, params: 1199882 }, cnn: { ...r.cnn, params: 1238730 } }), /params が入れ替わって/);
    expectHint(() => ex2({ ...r, mlp: { ...r.mlp, accuracy: 0.989 }, cnn: { ...r.cnn, accuracy: 0.971 } }), /accuracy が入れ替わって/);
    expectHint(() => ex2({ ...r, mlp: { ...r.mlp, params: 1238000 } }), /mlp\.params .*numParameters/);
    expectHint(() => ex2({ ...r, cnn: { ...r.cnn, accuracy: 98.9 } }), /割合\(0〜1\)で/);
    expectHint(() => ex2({ ...r, cnn: { ...r.cnn, accuracy: 0.95 } }), /cnn\.accuracy が測った正解率と違います/);
    expectHint(() => ex2({ ...r, reason: "CNN の方が深いから" }), /重み共有.*局所性/);
    expectHint(() => ex2({ ...r, reason: "" }), /reason に/);
    expectHint(() => ex2({ ...r, cnn: undefined }), /cnn がまだ空です/);
  });
  test("bad values never crash", () => expectRobust(ex2, right()));
});

// ---- 演習3 ----------------------------------------------------------------------------------
describe("演習3: dropout and the train/test gap", () => {
  const small = (opts = {}) => new ConvNet({ channels: [2, 4], hidden: 8, ...opts });
  const right = () => ({ model: small({ dropout: [0.25, 0.5] }), gapWithout: 0.08, gapWith: 0.03 });
  test("the right answer passes", () => expectCorrect(() => check.ex3(right(), {}), 3));
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => check.ex3(undefined));
    expectUnanswered(() => check.ex3({ model: undefined, gapWithout: undefined, gapWith: undefined }));
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => check.ex3({ ...right(), model: small() }), /Dropout が見つかりません/);
    const one = small({ dropout: [0.5, 0.5] });
    (one.drop1 as unknown as { p: number }).p = 1;
    expectHint(() => check.ex3({ ...right(), model: one }), /1 以上/);
    const zero = small({ dropout: [0.5, 0.5] });
    (zero.drop1 as unknown as { p: number }).p = 0;
    (zero.drop2 as unknown as { p: number }).p = 0;
    expectHint(() => check.ex3({ ...right(), model: zero }), /p が 0/);
    expectHint(() => check.ex3({ ...right(), gapWith: 0.1 }), /過学習.*model\.eval\(\)/);
    expectHint(() => check.ex3({ ...right(), gapWithout: 8, gapWith: 3 }), /百分率/);
    expectHint(() => check.ex3({ ...right(), gapWithout: -0.08, gapWith: -0.1 }), /訓練の正解率 − テストの正解率/);
    expectHint(() => check.ex3({ ...right(), model: "ConvNet" }), /Dropout を入れたモデル/);
  });
  test("bad values never crash", () => expectRobust((a) => check.ex3(a), right()));
});

// ---- 演習4 ----------------------------------------------------------------------------------
describe("演習4: batch normalization", () => {
  class Custom extends Module {
    conv1 = new Conv2d(1, 2, 3);
    conv2 = new Conv2d(2, 4, 3);
    fc1 = new Linear(4, 8);
    constructor(readonly bns: BatchNorm[]) {
      super();
    }
    override forward(x: tf.Tensor): tf.Tensor {
      return x;
    }
  }
  const right = () => ({ model: new ConvNet({ channels: [2, 4], hidden: 8, batchNorm: true }), lossWithout: 0.31, lossWith: 0.12 });
  test("the right answer passes", () => expectCorrect(() => check.ex4(right()), 4));
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => check.ex4(undefined));
    expectUnanswered(() => check.ex4({ model: undefined, lossWithout: undefined, lossWith: undefined }));
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => check.ex4({ ...right(), model: new ConvNet({ channels: [2, 4], hidden: 8 }) }), /BatchNorm が見つかりません/);
    expectHint(() => check.ex4({ ...right(), model: new Custom([new BatchNorm(8)]) }), /BatchNorm\(8\).*全結合層/);
    expectHint(() => check.ex4({ ...right(), model: new Custom([new BatchNorm(2)]) }), /チャンネル 4 の畳み込み層の後に BatchNorm がありません/);
    expectCorrect(() => check.ex4({ ...right(), model: new Custom([new BatchNorm(2), new BatchNorm(4)]) }), 4);
    expectHint(() => check.ex4({ ...right(), lossWith: 0.5 }), /同じシード/);
    expectHint(() => check.ex4({ ...right(), lossWith: -0.5 }), /0 以上/);
  });
  // (a first-epoch loss of 42 without batch norm is a possible answer)
  test("bad values never crash", () => expectRobust((a) => check.ex4(a), right(), (key, b) => key === "lossWithout" && b === 42));
});

// ---- 演習5 ----------------------------------------------------------------------------------
describe("演習5: channels × kernel against parameters", () => {
  const combos: [[number, number], number][] = [];
  for (const c of [[16, 32], [32, 64], [64, 128]] as [number, number][]) for (const k of [3, 5]) combos.push([c, k]);
  const right = () => combos.map(([channels, kernel], i) => ({ channels, kernel, params: convNetParams(channels[0], channels[1], kernel), accuracy: 0.97 + i * 0.003 }));
  test("the parameter formula agrees with ConvNet", () => {
    expect(convNetParams(32, 64, 3)).toBe(model.numParameters());
    for (const kernel of [3, 5]) {
      const m = new ConvNet({ channels: [16, 32], kernel });
      expect(convNetParams(16, 32, kernel)).toBe(m.numParameters());
      m.dispose();
    }
  });
  test("the right answer passes, in any order", () => {
    expectCorrect(() => check.ex5(right()), 5);
    expectCorrect(() => check.ex5(right().reverse()), 5);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => check.ex5(undefined));
    expectUnanswered(() => check.ex5([]));
    expectUnanswered(() => check.ex5(combos.map(() => ({ channels: undefined, kernel: undefined, params: undefined, accuracy: undefined }))));
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => check.ex5(right().slice(1)), /channels \[16, 32\], kernel 3 の行がありません/);
    expectHint(() => check.ex5([...right(), right()[2]]), /channels \[32, 64\], kernel 3 が 2 回あります/);
    const wrongRow = right();
    wrongRow[3].params += 1000;
    expectHint(() => check.ex5(wrongRow), /channels \[32, 64\], kernel 5 の params が違います/);
    const noBias = right();
    noBias[0].params = convNetParams(16, 32, 3, false);
    expectHint(() => check.ex5(noBias), /channels \[16, 32\], kernel 3 の params: バイアス/);
    const percent = right();
    percent[5].accuracy = 98.1;
    expectHint(() => check.ex5(percent), /割合\(0〜1\)で/);
    expectHint(() => check.ex5([...right().slice(1), { channels: [8, 16], kernel: 3, params: 1, accuracy: 0.9 }]), /課題の組み合わせ/);
    expectHint(() => check.ex5({ rows: right() }), /配列で/);
  });
  test("bad values never crash", () => {
    for (const b of bad()) {
      expect(["wrong", "unanswered"]).toContain(run(() => check.ex5(b)).status);
      expect(["wrong", "unanswered"]).toContain(run(() => check.ex5([b, ...right().slice(1)])).status);
      for (const key of ["channels", "kernel", "params", "accuracy"]) {
        const rows: Record<string, unknown>[] = right();
        rows[1] = { ...rows[1], [key]: b };
        expect(["wrong", "unanswered"]).toContain(run(() => check.ex5(rows)).status);
      }
    }
  });
});

// ---- 演習6 ----------------------------------------------------------------------------------
describe("演習6: kernels, feature maps, Gabor filter", () => {
  let image: tf.Tensor;
  let kernels: number[][][];
  let pre: number[][][];
  let post: number[][][];
  beforeAll(() => {
    image = tf.sub(tf.randomUniform([1, 28, 28, 1], 0, 1, "float32", 7), 0.5);
    tf.tidy(() => {
      kernels = tf.transpose(tf.reshape(model.conv1.weight, [3, 3, 32]), [2, 0, 1]).arraySync() as number[][][];
      const y = tf.transpose(tf.squeeze(model.conv1.forward(image), [0]), [2, 0, 1]);
      pre = y.arraySync() as number[][][];
      post = tf.relu(y).arraySync() as number[][][];
    });
  });
  afterAll(() => image.dispose());
  const gabor = (x: number, y: number, p: { theta: number; sigma: number; lambda: number; gamma?: number; psi?: number }) => {
    const { theta, sigma, lambda, gamma = 0.5, psi = 0 } = p;
    const xr = x * Math.cos(theta) + y * Math.sin(theta);
    const yr = -x * Math.sin(theta) + y * Math.cos(theta);
    return Math.exp(-(xr ** 2 + gamma ** 2 * yr ** 2) / (2 * sigma ** 2)) * Math.cos((2 * Math.PI * xr) / lambda + psi);
  };
  const right = () => ({ kernels, featureMaps: post, gabor });
  const ex6 = (a: unknown) => check.ex6(a, { model, image });
  test("the right answer passes (tensors are accepted too)", () => {
    expectCorrect(() => ex6(right()), 6);
    const k = tf.tensor(kernels);
    expectCorrect(() => ex6({ ...right(), kernels: k }), 6);
    k.dispose();
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex6(undefined));
    expectUnanswered(() => ex6({ kernels: undefined, featureMaps: undefined, gabor: undefined }));
  });
  test("typical mistakes in kernels and feature maps get their hints", () => {
    const raw = tf.tidy(() => tf.reshape(model.conv1.weight, [3, 3, 32]).arraySync());
    expectHint(() => ex6({ ...right(), kernels: raw }), /\[kh, kw, in, out\]/);
    expectHint(() => ex6({ ...right(), kernels: model.conv1.weight }), /\[kh, kw, in, out\]/);
    const swapped = kernels.map((m) => m[0].map((_, j) => m.map((row) => row[j])));
    expectHint(() => ex6({ ...right(), kernels: swapped }), /縦と横/);
    expectHint(() => ex6({ ...right(), kernels: kernels.map((m) => m.map((r) => r.map((v) => v + 0.1))) }), /conv1\.weight と違います/);
    expectHint(() => ex6({ ...right(), featureMaps: pre }), /ReLU を忘れて/);
    const pooled = tf.tidy(() => tf.maxPool(tf.tensor(post).expandDims(3) as tf.Tensor4D, 2, 2, "valid").squeeze([3]).arraySync());
    expectHint(() => ex6({ ...right(), featureMaps: pooled }), /プーリング.*26×26/);
    const nhwc = tf.tidy(() => tf.transpose(tf.tensor(post), [1, 2, 0]).arraySync());
    expectHint(() => ex6({ ...right(), featureMaps: nhwc }), /NHWC/);
    expectHint(() => ex6({ ...right(), featureMaps: undefined }), /featureMaps がまだ空です/);
  });
  test("typical mistakes in the Gabor filter get their hints", () => {
    type P = Parameters<typeof gabor>[2];
    const parts = (x: number, y: number, p: P) => {
      const { theta, sigma, lambda, gamma = 0.5, psi = 0 } = p;
      const xr = x * Math.cos(theta) + y * Math.sin(theta);
      const yr = -x * Math.sin(theta) + y * Math.cos(theta);
      return { env: Math.exp(-(xr ** 2 + gamma ** 2 * yr ** 2) / (2 * sigma ** 2)), phase: (2 * Math.PI * xr) / lambda + psi };
    };
    const withSin = (x: number, y: number, p: P) => parts(x, y, p).env * Math.sin(parts(x, y, p).phase);
    const noGauss = (x: number, y: number, p: P) => Math.cos(parts(x, y, p).phase);
    const badDefaults = (x: number, y: number, p: P) => gabor(x, y, { gamma: 1, psi: 0, ...p });
    expectHint(() => ex6({ ...right(), gabor: withSin }), /sin ではなく/);
    expectHint(() => ex6({ ...right(), gabor: noGauss }), /ガウス包絡/);
    expectHint(() => ex6({ ...right(), gabor: badDefaults }), /省略/);
    expectHint(() => ex6({ ...right(), gabor: (x: number) => x * 0.1 }), /x′ = x cosθ/);
    expectHint(() => ex6({ ...right(), gabor: () => { throw new Error("boom"); } }), /エラー.*boom/);
    expectHint(() => ex6({ ...right(), gabor: () => "0.5" }), /数を返して/);
    expectHint(() => ex6({ ...right(), gabor: () => NaN }), /数を返して/);
  });
  test("bad values never crash", () => expectRobust(ex6, right()));
});

// ---- 演習7 ----------------------------------------------------------------------------------
describe("演習7: confusion matrix", () => {
  // 40 examples: 4 of each digit right, then 4→9 three times, 9→4 once, 7→1 twice
  const target: number[] = [];
  const pred: number[] = [];
  const add = (t: number, p: number, n: number) => {
    for (let i = 0; i < n; i++) target.push(t), pred.push(p);
  };
  for (let d = 0; d < 10; d++) add(d, d, 4);
  add(4, 9, 3);
  add(9, 4, 1);
  add(7, 1, 2);
  const truth = Array.from({ length: 10 }, () => new Array(10).fill(0));
  target.forEach((t, i) => truth[t][pred[i]]++);
  const right = () => ({ matrix: truth.map((r) => [...r]), pair: [4, 9] });
  const ex7 = (a: unknown) => check.ex7(a, { pred: Int32Array.from(pred), target: Uint8Array.from(target) });
  test("the right answer passes (a tensor matrix too)", () => {
    expectCorrect(() => ex7(right()), 7);
    const m = tf.tensor2d(truth, [10, 10], "int32");
    expectCorrect(() => ex7({ ...right(), matrix: m }), 7);
    m.dispose();
  });
  test("ties are accepted", () => {
    const t = [...target, 7];
    const p = [...pred, 1];
    const m = Array.from({ length: 10 }, () => new Array(10).fill(0));
    t.forEach((v, i) => m[v][p[i]]++);
    expectCorrect(() => check.ex7({ matrix: m, pair: [7, 1] }, { pred: p, target: t }), 7);
    expectCorrect(() => check.ex7({ matrix: m, pair: [4, 9] }, { pred: p, target: t }), 7);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex7(undefined));
    expectUnanswered(() => ex7({ matrix: undefined, pair: undefined }));
    expectUnanswered(() => ex7({ matrix: [], pair: [undefined, undefined] }));
  });
  test("typical mistakes get their hints", () => {
    const transposed = truth.map((r, i) => r.map((_, j) => truth[j][i]));
    expectHint(() => ex7({ ...right(), matrix: transposed }), /行と列が逆/);
    const short = right();
    short.matrix[3][3] -= 1;
    expectHint(() => ex7(short), /合計 45 が例の数 46/);
    const moved = right();
    moved.matrix[3][3] -= 1;
    moved.matrix[3][5] += 1;
    expectHint(() => ex7(moved), /matrix\[3\]\[3\]/);
    expectHint(() => ex7({ ...right(), pair: [9, 4] }), /順が逆/);
    expectHint(() => ex7({ ...right(), pair: [7, 1] }), /最も大きいセル/);
    expectHint(() => ex7({ ...right(), pair: [4, 4] }), /対角/);
    expectHint(() => ex7({ ...right(), pair: [4, 12] }), /0〜9 の整数/);
    expectHint(() => ex7({ ...right(), matrix: truth.slice(1) }), /10×10/);
  });
  test("bad values never crash", () => expectRobust(ex7, right()));
});

// ---- 演習8 ----------------------------------------------------------------------------------
describe("演習8: data augmentation", () => {
  const right = () => ({ augment: randomShiftRotate(2, 10), accPlain: 0.91, accAugmented: 0.97 });
  const aug = (f: (img: Uint8Array, shape: [number, number, number], rng: { int(n: number): number }) => unknown) => f as unknown as Augment;
  test("the right answer passes (in-place augment too)", () => {
    expectCorrect(() => check.ex8(right()), 8);
    const inPlace = aug((img, s, rng) => {
      img.set(shiftImage(img, s, rng.int(5) - 2, rng.int(5) - 2));
      return img;
    });
    expectCorrect(() => check.ex8({ ...right(), augment: inPlace }), 8);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => check.ex8(undefined));
    expectUnanswered(() => check.ex8({ augment: undefined, accPlain: undefined, accAugmented: undefined }));
  });
  test("typical mistakes get their hints", () => {
    const ex8 = (augment: Augment, more = {}) => check.ex8({ ...right(), augment, ...more });
    expectHint(() => ex8(aug((img) => img)), /そのまま返して/);
    expectHint(() => ex8(aug((img, s, rng) => shiftImage(img, s, 5 + rng.int(2), 5))), /ずらしすぎ/);
    expectHint(() => ex8(aug((img) => img.slice(0, 700))), /784/);
    expectHint(() => ex8(aug((img) => Float32Array.from(img))), /Uint8Array を返して/);
    expectHint(() => ex8(aug((img) => tf.tensor(img))), /tf\.Tensor ではなく/);
    expectHint(() => ex8(aug((img, s) => shiftImage(img, s, 1, 0))), /どの seed でも同じ/);
    expectHint(() => ex8(aug((img, s) => shiftImage(img, s, Math.floor(Math.random() * 5) - 2, Math.floor(Math.random() * 5) - 2))), /Math\.random/);
    expectHint(() => ex8(aug((img) => img.map((v) => 255 - v))), /明るさ/);
    expectHint(() => ex8(aug(() => { throw new Error("oops"); })), /エラー.*oops/);
    expectHint(() => check.ex8({ ...right(), accAugmented: 0.9 }), /訓練データだけ/);
    expectHint(() => check.ex8({ ...right(), accPlain: 91 }), /割合\(0〜1\)で/);
  });
  test("bad values never crash", () => expectRobust((a) => check.ex8(a), right()));
});

// ---- summary --------------------------------------------------------------------------------
test("summary prints one line with every exercise checked so far", () => {
  log.mockClear();
  const list = check.summary();
  expect(list.map((r) => r.exercise)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(log).toHaveBeenCalledTimes(1);
  expect(log.mock.calls[0][0]).toMatch(/^演習1 (✔|✘|未解答) \| 演習2 (✔|✘|未解答) \| .* \| 演習8 (✔|✘|未解答)  \(\d\/8 正解\)$/);
});

test("a checker called without its facts says what to pass instead of crashing", () => {
  const noFacts = undefined as never;
  expectHint(() => check.ex1({ conv1: { shape: [26, 26, 32], params: 320 } }, noFacts), /調べるモデルも渡して/);
  expectHint(() => check.ex2({ mlp: { params: 1 } }, noFacts), /mlpAccuracy/);
  expectHint(() => check.ex6({ kernels: [[[1]]] }, noFacts), /数字画像.*も渡して/);
  expectHint(() => check.ex7({ matrix: [[1]], pair: [0, 1] }, { pred: [1, 2], target: [1] }), /同じ長さ/);
});

test("checkers leave no tensors behind", () => {
  const image = tf.zeros([1, 28, 28, 1]);
  const before = tf.memory().numTensors;
  run(() => check.ex1({ conv1: { shape: [26, 26, 32], params: 320 } }, model));
  run(() => check.ex6({ kernels: [[[0]]], featureMaps: [[[0]]], gabor: () => 0 }, { model, image }));
  const kernels = tf.tidy(() => tf.transpose(tf.reshape(model.conv1.weight, [3, 3, 32]), [2, 0, 1]).arraySync());
  expectHint(() => check.ex6({ kernels, featureMaps: [[[0]]], gabor: () => 0 }, { model, image }), /featureMaps/);
  expect(tf.memory().numTensors).toBe(before);
  image.dispose();
});
