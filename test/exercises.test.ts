// The checkers of 04_mnist_conv (演習1〜8) on small fixtures: every right answer ✔, every wrong one ✘ with its
// hint, untouched templates 未解答, and one printed line per check. The answers issue 9 found accepted or
// rejected wrongly ("Found") each have a test here, marked "issue 9".
import * as tf from "@tensorflow/tfjs";
import { randomShiftRotate, rotateImage, shiftedCopy, shiftImage } from "../lib/core/data/augment";
import { ImageDataset } from "../lib/core/data/dataset";
import type { Augment } from "../lib/core/data/dataset";
import { experiment, ExperimentOptions, ExperimentResult } from "../lib/core/experiment";
import { check, CheckResult } from "../lib/core/exercises";
import { describe as describeValue, resetResults } from "../lib/core/exercises/common";
import { EX2_RIGHT, EX2_STATEMENTS } from "../lib/core/exercises/ex2";
import { convNetParams } from "../lib/core/exercises/ex5";
import { checkAugment, closestShiftRotation, sampleDigits } from "../lib/core/exercises/ex8";
import { ConvNet, Net } from "../lib/core/models";
import { BatchNorm, Conv2d, Dropout, Linear, MaxPool2d, Module } from "../lib/core/nn";
import { isGenuine, markGenuine, provenanceOf } from "../lib/core/provenance";
import { globalRandom, manualSeed, Random } from "../lib/core/random";
import { noiseDigits } from "./fixtures";
import { backend, silently } from "./helpers";

let log: jest.SpyInstance;
let model: ConvNet; // the slide's CNN: 32, 64 channels, 3×3

beforeAll(async () => {
  await backend();
  manualSeed(0);
  model = new ConvNet();
});
afterAll(() => {
  model.dispose();
});
beforeEach(() => {
  log = jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => log.mockRestore());

/** Runs a check: it returns nothing, prints exactly one line, and that line is its recorded result. */
function run(fn: () => unknown): CheckResult {
  log.mockClear();
  let ret: unknown = "not called";
  expect(() => (ret = fn())).not.toThrow();
  expect(ret).toBeUndefined();
  expect(log).toHaveBeenCalledTimes(1);
  const line = String(log.mock.calls[0][0]);
  const n = Number((line.match(/^演習(\d): /) ?? [])[1]);
  const r = check.result(n);
  expect(r).toBeDefined();
  expect(line).toBe(r!.message);
  return r!;
}
function expectCorrect(fn: () => unknown, n: number, comment?: RegExp): void {
  const r = run(fn);
  if (r.status !== "correct") throw new Error(`expected ✔, got: ${r.message}`);
  expect(r.exercise).toBe(n);
  expect(r.message).toMatch(new RegExp(`^演習${n}: ✔ 正解`));
  if (comment) expect(r.message).toMatch(comment);
}
function expectHint(fn: () => unknown, hint: RegExp): void {
  const r = run(fn);
  if (r.status !== "wrong") throw new Error(`expected ✘ ${hint}, got: ${r.message}`);
  expect(r.message).toMatch(/^演習\d: ✘ /);
  expect(r.message).toMatch(hint);
}
function expectUnanswered(fn: () => unknown): void {
  const r = run(fn);
  expect(r.status).toBe("unanswered");
  expect(r.message).toMatch(/^演習\d: 未解答 \(.+に答えを書いてください\)$/);
}
// ---- fixtures: tiny data sets and runs of experiment() ------------------------------------------
/** Runs f with console.log silenced (experiment() prints its epoch lines). */
/** n noise images with a bright 5×5 blob (its column tells the class, its row is random), labels i mod 10. */
function tinyData(n: number, seed: number): ImageDataset {
  const blob = (image: Uint8Array, i: number, rng: Random) => {
    const [cx, cy] = [6 + 2 * (i % 10), 8 + rng.int(12)];
    for (let y = cy - 2; y <= cy + 2; y++) for (let x = cx - 2; x <= cx + 2; x++) image[y * 28 + x] = 255;
  };
  return noiseDigits(n, seed, blob, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
}
let trainSet: ImageDataset;
let testSet: ImageDataset;
const tiny = (opts: Record<string, unknown> = {}) => () => new ConvNet({ channels: [4, 8], hidden: 32, ...opts });
/** The tiny setting: 30 training images memorized in 8 epochs (so the gap without dropout is large). */
const setting = (more: Partial<ExperimentOptions> = {}): ExperimentOptions => ({ train: trainSet, test: testSet, epochs: 8, optimizer: "adam", lr: 0.01, print_every: 0, ...more });

beforeAll(() => {
  trainSet = tinyData(30, 1);
  testSet = tinyData(40, 2);
});

/**
 * The tiny CNN written out as a student writes their own Net (issue 20: what the checkers must see through): the
 * layers of tiny(), `extra` modules as more fields, and the forward pass `f`.
 */
class Custom extends Module {
  conv1 = new Conv2d(1, 4, 3);
  conv2 = new Conv2d(4, 8, 3);
  pool = new MaxPool2d(2, 2);
  fc1 = new Linear(12 * 12 * 8, 32);
  fc2 = new Linear(32, 10);
  [field: string]: unknown;
  constructor(extra: Record<string, Module>, private readonly f: (m: Custom, x: tf.Tensor) => tf.Tensor) {
    super();
    Object.assign(this, extra);
  }
  override forward(x: tf.Tensor): tf.Tensor {
    return this.f(this, x);
  }
  /** an `extra` module */
  at(name: string): Module {
    return this[name] as Module;
  }
}
/** conv1 → ReLU → conv2 → ReLU → pool, as tiny() without options */
const convs = (m: Custom, x: tf.Tensor) => m.pool.forward(tf.relu(m.conv2.forward(tf.relu(m.conv1.forward(x)))));
/** flatten → fc1 → ReLU → fc2 → log_softmax */
const head = (m: Custom, h: tf.Tensor) => tf.logSoftmax(m.fc2.forward(tf.relu(m.fc1.forward(tf.reshape(h, [-1, 12 * 12 * 8])))), 1);
const custom = (extra: Record<string, Module>, f: (m: Custom, x: tf.Tensor) => tf.Tensor) => () => new Custom(extra, f);

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
  test("issue 9: fc1: { shape: 128 } (a number for a one-axis shape) is told to write [128]", () => {
    expectHint(() => ex1({ ...right(), fc1: { shape: 128, params: 1179776 } }), /fc1\.shape は数 128 ではなく.*\[128\]/);
    expectHint(() => ex1({ ...right(), fc2: { shape: 10, params: 1290 } }), /\[10\]/);
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
  test("the model is left as it was (training mode, forward)", () => {
    model.train();
    ex1(right());
    expect(model.training).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(model.conv1, "forward")).toBe(false);
  });
});

// ---- 演習2 ----------------------------------------------------------------------------------
describe("演習2: weight sharing (重み共有)", () => {
  const right = () => ({ conv1Params: 320, denseParams: 16981120, ratio: 16981120 / 320, statement: EX2_RIGHT });
  const ex2 = (a: unknown) => check.ex2(a, model);
  test("the slide's CNN: 320 parameters in conv1, 16,981,120 for the dense layer that would make the same 26×26×32", () => {
    expect(model.conv1.numParameters()).toBe(320);
    expect(784 * 26 * 26 * 32 + 26 * 26 * 32).toBe(16981120);
    expectCorrect(() => ex2(right()), 2, /320.*16,981,120.*53,066 倍/);
    expectCorrect(() => ex2({ ...right(), ratio: 53066 }), 2);
  });
  test("issue 20: like with like — the old answer (conv1 + conv2 = 18,816 against a layer replacing conv1 only, ratio 902.5) is ✘", () => {
    expectHint(() => ex2({ conv1Params: 18816, denseParams: 16981120, ratio: 16981120 / 18816, statement: EX2_RIGHT }), /conv1 だけ.*conv2 は足しません/);
    expectHint(() => ex2({ ...right(), ratio: 16981120 / 18816 }), /ratio は denseParams \/ conv1Params/);
    expectHint(() => ex2({ convParams: 320, denseParams: 16981120, ratio: 53066, statement: EX2_RIGHT }), /conv1Params .*を書いてください/);
  });
  test("issue 20: the map comes from running the model — a conv1 that is not what forward computes on is not counted by its fields", () => {
    // conv1 declared with 32 channels but forward never calls it: nothing to compare a dense layer with
    class Unused extends Module {
      conv1 = new Conv2d(1, 32, 3);
      fc = new Linear(784, 10);
      override forward(x: tf.Tensor): tf.Tensor {
        return this.fc.forward(tf.reshape(x, [-1, 784]));
      }
    }
    const m = new Unused();
    expectHint(() => check.ex2(right(), m), /forward が conv1 を呼んでいません/);
    m.dispose();
  });
  test("the statements: four, one right; the right one names 重み共有", () => {
    expect(EX2_STATEMENTS).toHaveLength(4);
    expect(EX2_STATEMENTS[EX2_RIGHT - 1]).toMatch(/重み共有/);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex2(undefined));
    expectUnanswered(() => ex2({ conv1Params: undefined, denseParams: undefined, ratio: undefined, statement: undefined }));
  });
  test("issue 9: the wrong statements are ✘ with why (「パラメータを共有しないから」 among them); no keyword matching", () => {
    expectHint(() => ex2({ ...right(), statement: 1 }), /statement 1 は逆です/);
    expectHint(() => ex2({ ...right(), statement: 3 }), /共有しない場合/);
    expectHint(() => ex2({ ...right(), statement: 4 }), /プーリング/);
    expectHint(() => ex2({ ...right(), statement: "CNN はパラメータを共有しないから" }), /番号を数で/);
    expectHint(() => ex2({ ...right(), statement: "重み共有" }), /番号を数で/);
    expectHint(() => ex2({ ...right(), statement: "2" }), /文字列ではなく数 2/);
  });
  test("typical counting mistakes get their hints", () => {
    expectHint(() => ex2({ ...right(), conv1Params: 1199882 }), /CNN 全体ではなく/);
    expectHint(() => ex2({ ...right(), conv1Params: 288 }), /conv1 のパラメータ数と違います/);
    expectHint(() => ex2({ ...right(), denseParams: 784 * 21632 }), /バイアスを忘れて/);
    expectHint(() => ex2({ ...right(), denseParams: 784 * 24 * 24 * 64 + 24 * 24 * 64 }), /26×26×32 = 21,632/);
    expectHint(() => ex2({ ...right(), ratio: 320 / 16981120 }), /逆数/);
    expectHint(() => ex2({ ...right(), ratio: 64 }), /denseParams \/ conv1Params/);
  });
  test("the truth comes from the model passed in", () => {
    const other = new ConvNet({ channels: [16, 32], kernel: 5 });
    const conv = other.conv1.numParameters();
    const dense = 784 * 24 * 24 * 16 + 24 * 24 * 16;
    expectCorrect(() => check.ex2({ conv1Params: conv, denseParams: dense, ratio: dense / conv, statement: EX2_RIGHT }, other), 2);
    expectHint(() => check.ex2(right(), other), /conv1Params/);
    other.dispose();
  });
});

// ---- 演習3 ----------------------------------------------------------------------------------
describe("演習3: dropout and the train−test gap (差)", () => {
  /** the check cell's call: the data the runs must be evaluated on */
  const ex3 = (a: unknown) => check.ex3(a, { test: testOther });
  let off: ExperimentResult;
  let on: ExperimentResult;
  let testOther: ImageDataset;
  beforeAll(() => silently(async () => {
    // the test labels do not follow the blobs: the training set is memorized, the gap is large
    testOther = new ImageDataset(testSet.images, testSet.labels.map((l) => (l + 3) % 10), testSet.shape, testSet.transform);
    off = await experiment("なし", tiny(), setting({ test: testOther }));
    on = await experiment("あり", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther }));
  }));
  const right = () => ({ without: off, with: on, gapWithout: off.gap, gapWith: on.gap });
  test("the right answer passes and reports the measured effect, whatever its sign", () => {
    expect(off.gap).toBeGreaterThan(0.02);
    expectCorrect(() => ex3(right()), 3, /差 [\d.]+ → [\d.]+ ポイント: (ドロップアウトで差が [\d.]+ ポイント縮みました|今回は差が縮みませんでした)/);
    // the printed gap in points, copied by hand, is close enough
    expectCorrect(() => ex3({ ...right(), gapWith: Number(on.gap.toFixed(4)) }), 3);
  });
  test("issue 9: honest runs with other dropout rates ([0.25, 0], [0.1, 0.1], [0.5, 0]) pass", async () => {
    for (const dropout of [[0.25, 0], [0.1, 0.1], [0.5, 0]]) {
      const r = await experiment("p", tiny({ dropout }), setting({ test: testOther }));
      expectCorrect(() => ex3({ without: off, with: r, gapWithout: off.gap, gapWith: r.gap }), 3);
      r.model.dispose();
    }
  });
  test("issue 9: self-reported numbers without training are ✘", () => {
    expectHint(() => ex3({ model: new ConvNet({ dropout: [0.25, 0.5] }), gapWithout: 0.2, gapWith: 0.1 }), /without がまだ空です.*experiment\(\)/);
    const typed = { model: on.model, history: on.history, gap: 0.1, last: on.last };
    expectHint(() => ex3({ ...right(), with: typed }), /experiment\(\) が返した結果そのもの/);
    expectHint(() => ex3({ ...right(), with: { ...on, gap: 0.1 } }), /コピー/);
    expectHint(() => ex3({ ...right(), gapWith: -0.9 }), /gapWith = -0\.9 が、あなたの実験結果 with\.gap = [\d.-]+ と違います/);
    expectHint(() => ex3({ ...right(), gapWithout: 0.2 }), /gapWithout = 0\.2 が.*without\.gap/);
  });
  test("issue 21: a result is plain data a student may change; the checker notices an edited one, and a model trained on afterwards", async () => {
    expect(isGenuine(on)).toBe(true);
    expect(isGenuine(on.history)).toBe(true); // fit() registers its history
    expect(isGenuine({ ...on })).toBe(false);
    const edited = await experiment("p", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther }));
    expect(Object.isFrozen(edited) || Object.isFrozen(edited.history.epochs)).toBe(false);
    expectCorrect(() => ex3({ without: off, with: edited, gapWithout: off.gap, gapWith: edited.gap }), 3);
    edited.history.epochs.push({ ...edited.history.epochs[0], epoch: 9 }); // a student's own record: allowed
    expect(edited.history.epochs).toHaveLength(9);
    expectHint(() => ex3({ without: off, with: edited, gapWithout: off.gap, gapWith: edited.gap }), /with の数や名前が experiment\(\) の返した時から書き換えられています/);
    edited.history.epochs.pop();
    expectCorrect(() => ex3({ without: off, with: edited, gapWithout: off.gap, gapWith: edited.gap }), 3);
    edited.gap += 0.25;
    expectHint(() => ex3({ without: off, with: edited, gapWithout: off.gap, gapWith: edited.gap }), /書き換えられています/);
    edited.model.dispose();
    const r = await experiment("p", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther, epochs: 1 }));
    (r.model as ConvNet).conv1.weight.assign(tf.zerosLike((r.model as ConvNet).conv1.weight));
    expectHint(() => ex3({ without: off, with: r, gapWithout: off.gap, gapWith: r.gap }), /重みが experiment\(\) の終わりと変わっています/);
    r.model.dispose();
  });
  test("an unfair comparison names what differs", async () => {
    const shorter = await experiment("p", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther, epochs: 2 }));
    expectHint(() => ex3({ ...right(), with: shorter, gapWith: shorter.gap }), /without と with で エポック数 epochs が違います \(8 と 2\)/);
    const seed = await experiment("p", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther, seed: 5 }));
    expectHint(() => ex3({ ...right(), with: seed, gapWith: seed.gap }), /シード seed が違います \(1 と 5\)/);
    const running = await experiment("p", tiny({ dropout: [0.25, 0.5] }), setting({ test: testOther, train_eval: false }));
    expectHint(() => ex3({ ...right(), with: running, gapWith: running.gap }), /train_eval: false/);
    for (const r of [shorter, seed, running]) r.model.dispose();
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => ex3({ ...right(), with: off, gapWith: off.gap }), /同じ実験結果/);
    expectHint(() => ex3({ without: on, with: off, gapWithout: on.gap, gapWith: off.gap }), /with のモデルに Dropout が見つかりません/);
    expectHint(() => ex3({ ...right(), gapWithout: 100 * off.gap }), /百分率/);
    expectHint(() => ex3({ ...right(), with: Promise.resolve(on) }), /Promise.*await/);
  });
  test("over-fitting is required: without dropout the gap must be clear", async () => {
    const fair = await experiment("なし", tiny(), setting({ epochs: 1, test: trainSet }));
    const fairOn = await experiment("あり", tiny({ dropout: [0.25, 0.5] }), setting({ epochs: 1, test: trainSet }));
    expect(fair.gap).toBeLessThan(0.02);
    expectHint(() => check.ex3({ without: fair, with: fairOn, gapWithout: fair.gap, gapWith: fairOn.gap }, { test: trainSet }), /過学習していません/);
    // issue 20: measured on the training images themselves, the runs are not what the exercise asks (false ✔ before)
    expectHint(() => ex3({ without: fair, with: fairOn, gapWithout: fair.gap, gapWith: fairOn.gap }), /without は訓練データそのもので評価されています/);
  });
  // ---- issue 20: graded on what the model computes (regression cases; docs/checkers.md) ----
  test("issue 20: Dropout fields declared but never called in forward are ✘ (false ✔ before)", async () => {
    const r = await experiment("p", custom({ drop1: new Dropout(0.25), drop2: new Dropout(0.5) }, (m, x) => head(m, convs(m, x))), setting({ test: testOther }));
    expectHint(() => ex3({ ...right(), with: r, gapWith: r.gap }), /Dropout は宣言されていますが、forward の中で呼ばれていません/);
    r.model.dispose();
  });
  test("issue 20: a Dropout called but its result thrown away is ✘ (false ✔ before)", async () => {
    const r = await experiment("p", custom({ drop: new Dropout(0.5) }, (m, x) => {
      const h = convs(m, x);
      m.at("drop").forward(h); // the result is not used
      return head(m, h);
    }), setting({ test: testOther }));
    expectHint(() => ex3({ ...right(), with: r, gapWith: r.gap }), /Dropout を呼んでいますが、その結果が出力に届いていません/);
    r.model.dispose();
  });
  test("issue 20: dropout written with tf.dropout in training only is ✔ (false ✘ before: no Dropout module)", async () => {
    const r = await experiment("p", custom({}, (m, x) => {
      let h = convs(m, x);
      if (m.training) h = tf.dropout(h, 0.5);
      return head(m, h);
    }), setting({ test: testOther }));
    expectCorrect(() => ex3({ ...right(), with: r, gapWith: r.gap }), 3);
    r.model.dispose();
  });
  test("issue 20: dropout left on in eval mode (tf.dropout always) is ✘ (the test accuracy is measured with it)", async () => {
    const r = await experiment("p", custom({}, (m, x) => head(m, tf.dropout(convs(m, x), 0.5))), setting({ test: testOther }));
    expectHint(() => ex3({ ...right(), with: r, gapWith: r.gap }), /評価モード \(eval\) でも出力が毎回変わります/);
    r.model.dispose();
  });
  test("issue 20: a `without` model with an unused Dropout field is ✔ (false ✘ before: it looked for the field)", async () => {
    const r = await experiment("なし", custom({ drop: new Dropout(0.5) }, (m, x) => head(m, convs(m, x))), setting({ test: testOther }));
    expect(r.gap).toBeGreaterThan(0.02);
    expectCorrect(() => ex3({ ...right(), without: r, gapWithout: r.gap }), 3);
    r.model.dispose();
  });
  test("issue 20: runs evaluated on other data than the exercise's test data are ✘, and the data must be passed", () => {
    expectHint(() => check.ex3(right(), { test: testSet }), /without を評価したデータ \(40 枚\) が、この演習で評価に使うデータ test_small \(40 枚\) と違います/);
    expectHint(() => check.ex3(right()), /check\.ex3\(ex3, \{ test: test_small \}\) のように/);
  });
  test("issue 20: the check changes nothing: the library's generator, the model's mode and weights are as before", () => {
    manualSeed(7);
    const untouched = globalRandom().next();
    manualSeed(7);
    const mode = on.model.training;
    expectCorrect(() => ex3(right()), 3); // two training-mode passes drew dropout masks inside
    expect(globalRandom().next()).toBe(untouched);
    expect(on.model.training).toBe(mode);
    expectCorrect(() => ex3(right()), 3); // and the weights still are the run's (checked by asRun)
  });
  test("issue 20: a model with batch norm and dropout keeps its running statistics through the check (checked twice)", async () => {
    const r = await experiment("p", tiny({ dropout: [0.25, 0.5], batchNorm: true }), setting({ test: testOther }));
    const a = { ...right(), with: r, gapWith: r.gap };
    const bn = (r.model as ConvNet).bn1!;
    const mean = Array.from(bn.running_mean.dataSync());
    expectCorrect(() => ex3(a), 3);
    expect(Array.from(bn.running_mean.dataSync())).toEqual(mean);
    expectCorrect(() => ex3(a), 3); // the weights and statistics are still the run's (asRun's sameWeights)
    r.model.dispose();
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex3(undefined));
    expectUnanswered(() => ex3({ without: undefined, with: undefined, gapWithout: undefined, gapWith: undefined }));
  });
});

// ---- 演習4 ----------------------------------------------------------------------------------
describe("演習4: batch normalization", () => {
  /** the check cell's call: the data the runs must be evaluated on */
  const ex4 = (a: unknown) => check.ex4(a, { test: testSet });
  let off: ExperimentResult;
  let on: ExperimentResult;
  const bnSetting = () => setting({ epochs: 1, optimizer: "sgd", lr: 0.01, train_eval: false });
  beforeAll(() => silently(async () => {
    off = await experiment("BN なし", tiny(), bnSetting());
    on = await experiment("BN あり", tiny({ batchNorm: true }), bnSetting());
  }));
  const right = () => ({ without: off, with: on, lossWithout: off.history.epochs[0].train_loss, lossWith: on.history.epochs[0].train_loss });
  test("the right answer passes and reports the measured effect", () => {
    expectCorrect(() => ex4(right()), 4, /1 エポック目の訓練損失 [\d.]+ → [\d.]+: (バッチ正規化で下がりました|今回はバッチ正規化ありの方が大きくなりました)/);
    expectCorrect(() => ex4({ ...right(), lossWith: Number(on.history.epochs[0].train_loss.toFixed(4)) }), 4);
  });
  test("issue 9: a run where batch norm loses (lr 0.1 in the notebook) is graded on its setup, not ✘", async () => {
    const s = setting({ epochs: 1, optimizer: "sgd", lr: 0.1, train_eval: false });
    const a = await experiment("BN なし", tiny(), s);
    const b = await experiment("BN あり", tiny({ batchNorm: true }), s);
    expectCorrect(() => ex4({ without: a, with: b, lossWithout: a.history.epochs[0].train_loss, lossWith: b.history.epochs[0].train_loss }), 4);
    a.model.dispose();
    b.model.dispose();
  });
  test("issue 9: self-reported numbers without training are ✘", () => {
    expectHint(() => ex4({ model: new ConvNet({ batchNorm: true }), lossWithout: 0.31, lossWith: 0.12 }), /without がまだ空です/);
    expectHint(() => ex4({ ...right(), lossWith: 0.12 }), /lossWith = 0\.12 が、あなたの実験結果 with\.history\.epochs\[0\]\.train_loss = [\d.]+ と違います/);
    expectHint(() => ex4({ ...right(), lossWithout: on.history.epochs[0].train_loss }), /lossWithout = [\d.]+ が、あなたの実験結果 without\.history/);
  });
  test("typical mistakes get their hints", async () => {
    expectHint(() => ex4({ ...right(), with: off, lossWith: off.history.epochs[0].train_loss }), /同じ実験結果/);
    expectHint(() => ex4({ ...right(), without: on, with: off }), /with のモデルに BatchNorm が見つかりません/);
    expectHint(() => ex4({ ...right(), lossWith: on.history.epochs[0].test_loss }), /lossWith が テスト損失になっています/);
    const lr = await experiment("x", tiny({ batchNorm: true }), { ...bnSetting(), lr: 0.1 });
    expectHint(() => ex4({ ...right(), with: lr, lossWith: lr.history.epochs[0].train_loss }), /学習率 lr が違います \(0\.01 と 0\.1\)/);
  });
  // ---- issue 20: graded on what the model computes (regression cases; docs/checkers.md) ----
  const bnRun = (extra: Record<string, Module>, f: (m: Custom, x: tf.Tensor) => tf.Tensor) => experiment("BN あり", custom(extra, f), bnSetting());
  const withBn = (r: ExperimentResult) => ex4({ ...right(), with: r, lossWith: r.history.epochs[0].train_loss });
  /** conv → bn → ReLU for both convolutions, then pool and the head */
  const bnForward = (m: Custom, x: tf.Tensor) => {
    const h = tf.relu(m.at("bn1").forward(m.conv1.forward(x)));
    return head(m, m.pool.forward(tf.relu(m.at("bn2").forward(m.conv2.forward(h)))));
  };
  test("issue 20: BatchNorm fields declared but never called are ✘ (false ✔ before)", async () => {
    const r = await bnRun({ bn1: new BatchNorm(4), bn2: new BatchNorm(8) }, (m, x) => head(m, convs(m, x)));
    expectHint(() => withBn(r), /BatchNorm は宣言されていますが、forward の計算に使われていません/);
    r.model.dispose();
  });
  test("issue 20: batch norm after the ReLU instead of between the convolution and its ReLU is ✘ (false ✔ before)", async () => {
    const r = await bnRun({ bn1: new BatchNorm(4), bn2: new BatchNorm(8) }, (m, x) => {
      const h = m.at("bn1").forward(tf.relu(m.conv1.forward(x)));
      return head(m, m.pool.forward(m.at("bn2").forward(tf.relu(m.conv2.forward(h)))));
    });
    expectHint(() => withBn(r), /conv1 の出力がそのまま BatchNorm に渡っていません/);
    r.model.dispose();
  });
  test("issue 20: batch norm called and its result thrown away is ✘ (false ✔ before)", async () => {
    const r = await bnRun({ bn1: new BatchNorm(4), bn2: new BatchNorm(8) }, (m, x) => {
      m.at("bn1").forward(m.conv1.forward(x)); // computed, not used
      return head(m, convs(m, x));
    });
    expectHint(() => withBn(r), /使われていません \(呼んでいない・結果を捨てている\)/);
    r.model.dispose();
  });
  test("issue 20: batch norm after one convolution only, or after fc1, names the place", async () => {
    const one = await bnRun({ bn1: new BatchNorm(4) }, (m, x) => head(m, m.pool.forward(tf.relu(m.conv2.forward(tf.relu(m.at("bn1").forward(m.conv1.forward(x))))))));
    expectHint(() => withBn(one), /conv2 \(チャネル 8\) の後に BatchNorm がありません/);
    const fc = await bnRun({ bn1: new BatchNorm(4), bn2: new BatchNorm(8), bn3: new BatchNorm(32) }, (m, x) => {
      const h = tf.relu(m.at("bn1").forward(m.conv1.forward(x)));
      const p = tf.reshape(m.pool.forward(tf.relu(m.at("bn2").forward(m.conv2.forward(h)))), [-1, 12 * 12 * 8]);
      return tf.logSoftmax(m.fc2.forward(tf.relu(m.at("bn3").forward(m.fc1.forward(p)))), 1);
    });
    expectHint(() => withBn(fc), /BatchNorm\(32\) が畳み込み層の直後ではないところ \(全結合層の後など\)/);
    one.model.dispose();
    fc.model.dispose();
  });
  test("issue 20: a student's own Net with a BatchNorm subclass in the right places is ✔ (false ✘ before: it matched class names)", async () => {
    class BatchNorm2d extends BatchNorm {}
    const r = await bnRun({ bn1: new BatchNorm2d(4), bn2: new BatchNorm2d(8) }, bnForward);
    expectCorrect(() => withBn(r), 4);
    r.model.dispose();
  });
  test("issue 20: a `without` model with unused BatchNorm fields is ✔ (false ✘ before)", async () => {
    const r = await experiment("BN なし", custom({ bn1: new BatchNorm(4), bn2: new BatchNorm(8) }, (m, x) => head(m, convs(m, x))), bnSetting());
    expectCorrect(() => ex4({ ...right(), without: r, lossWithout: r.history.epochs[0].train_loss }), 4);
    r.model.dispose();
  });
  test("issue 20: runs evaluated on other data than the exercise's test data are ✘", () => {
    expectHint(() => check.ex4(right(), { test: trainSet }), /without を評価したデータ \(40 枚\) が、この演習で評価に使うデータ test_small \(30 枚\) と違います/);
    expectHint(() => check.ex4(right()), /check\.ex4\(ex4, \{ test: test_small \}\) のように/);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex4(undefined));
    expectUnanswered(() => ex4({ without: undefined, with: undefined, lossWithout: undefined, lossWith: undefined }));
  });
});

// ---- 演習5 ----------------------------------------------------------------------------------
describe("演習5: channels × kernel against parameters, models re-evaluated", () => {
  /** the check cell's call: the data the runs must be evaluated on */
  const ex5 = (a: unknown) => check.ex5(a, { test: testSet });
  type Row = { channels: number[]; kernel: number; params: number; accuracy: number; result: ExperimentResult };
  const rows: Row[] = [];
  beforeAll(() => silently(async () => {
    // the loop a beginner writes: channels is number[]
    for (const kernel of [3, 5]) {
      for (const channels of [[16, 32], [32, 64], [64, 128]]) {
        const r = await experiment(`${channels} k${kernel}`, () => new ConvNet({ channels, kernel }), setting({ train: trainSet.subset(10), epochs: 1, train_eval: false }));
        rows.push({ channels, kernel, params: r.model.numParameters(), accuracy: r.test_acc as number, result: r });
      }
    }
  }), 120000);
  const right = () => rows.map((r) => ({ ...r }));
  test("the parameter formula agrees with ConvNet", () => {
    expect(convNetParams(32, 64, 3)).toBe(model.numParameters());
    for (const r of rows) expect(convNetParams(r.channels[0], r.channels[1], r.kernel)).toBe(r.result.model.numParameters());
  });
  test("the right answer passes, in any order", () => {
    expectCorrect(() => ex5(right()), 5, /6 つのモデルを評価し直しました/);
    expectCorrect(() => ex5(right().reverse()), 5);
  });
  test("issue 9: six untrained models with accuracy 0.5 are ✘", () => {
    const untrained = right().map((r) => ({ ...r, accuracy: 0.5 }));
    expectHint(() => ex5(untrained), /accuracy = 0\.5 が、そのモデルをテストデータ 40 枚で評価し直した正解率/);
    const noResult = right().map(({ result: _r, ...rest }) => rest);
    expectHint(() => ex5(noResult), /result がまだ空です/);
  });
  test("typical mistakes get their hints", () => {
    expectHint(() => ex5(right().slice(1)), /channels \[16, 32\], kernel 3 の行がありません/);
    expectHint(() => ex5([...right(), right()[1]]), /channels \[32, 64\], kernel 3 が 2 回あります/);
    const wrongRow = right();
    wrongRow[4].params += 1000;
    expectHint(() => ex5(wrongRow), /channels \[32, 64\], kernel 5 の params が違います/);
    const noBias = right();
    noBias[0].params = convNetParams(16, 32, 3, false);
    expectHint(() => ex5(noBias), /channels \[16, 32\], kernel 3 の params: バイアス/);
    const percent = right();
    percent[5].accuracy = 98.1;
    expectHint(() => ex5(percent), /割合\(0〜1\)で/);
    const swapped = right();
    [swapped[0].result, swapped[1].result] = [swapped[1].result, swapped[0].result];
    expectHint(() => ex5(swapped), /行と同じ channels・kernel で学習した結果/);
    expectHint(() => ex5([...right().slice(1), { channels: [8, 16], kernel: 3, params: 1, accuracy: 0.9 }]), /課題の組み合わせ/);
    expectHint(() => ex5({ rows: right() }), /配列で/);
  });
  // ---- issue 20: graded on what the model computes (regression cases; docs/checkers.md) ----
  /** channels [16, 32], kernel 3 as the row says, but conv2 skipped (or computed and thrown away) in forward */
  class SkipConv2 extends Module {
    conv1 = new Conv2d(1, 16, 3);
    conv2 = new Conv2d(16, 32, 3);
    pool = new MaxPool2d(2, 2);
    fc1 = new Linear(13 * 13 * 16, 128);
    fc2 = new Linear(128, 10);
    constructor(readonly discard: boolean) {
      super();
    }
    override forward(x: tf.Tensor): tf.Tensor {
      const h = tf.relu(this.conv1.forward(x));
      if (this.discard) this.conv2.forward(h);
      const p = tf.reshape(this.pool.forward(h), [-1, 13 * 13 * 16]);
      return tf.logSoftmax(this.fc2.forward(tf.relu(this.fc1.forward(p))), 1);
    }
  }
  const withRow0 = async (discard: boolean) => {
    const r = await experiment("16/32 k3", () => new SkipConv2(discard), setting({ train: trainSet.subset(10), epochs: 1, train_eval: false }));
    const rs = right();
    rs[0] = { channels: [16, 32], kernel: 3, params: r.model.numParameters(), accuracy: r.test_acc as number, result: r };
    return rs;
  };
  test("issue 20: a row whose model never calls conv2 is ✘ (false ✔ before: it read the fields)", async () => {
    const rs = await withRow0(false);
    expectHint(() => ex5(rs), /channels \[16, 32\], kernel 3 の result のモデルは conv2 を forward で呼んでいません/);
    rs[0].result.model.dispose();
  });
  test("issue 20: a row whose model computes conv2 and throws it away is ✘ (false ✔ before)", async () => {
    const rs = await withRow0(true);
    expectHint(() => ex5(rs), /conv2 を呼んでいますが、その結果が出力に届いていません/);
    rs[0].result.model.dispose();
  });
  test("issue 20: runs evaluated on other data than the exercise's test data are ✘, and the data must be passed", () => {
    expectHint(() => check.ex5(right(), { test: testSet.subset(20) }), /を評価したデータ \(40 枚\) が、この演習で評価に使うデータ test_small \(20 枚\) と違います/);
    expectHint(() => check.ex5(right()), /check\.ex5\(ex5, \{ test: test_small \}\) のように/);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex5(undefined));
    expectUnanswered(() => ex5([]));
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
});

// ---- 演習8 ----------------------------------------------------------------------------------
describe("演習8: data augmentation", () => {
  /** the check cell's call: the data the runs must be evaluated on */
  const ex8 = (a: unknown) => check.ex8(a, { test: testSet });
  type Fn = (img: Uint8Array, shape: [number, number, number], rng: Random) => unknown;
  const aug = (f: Fn) => f as unknown as Augment;
  const slide = randomShiftRotate(2, 10);
  let plain: ExperimentResult;
  let augmented: ExperimentResult;
  const augSetting = () => setting({ epochs: 1, train_eval: false });
  beforeAll(() => silently(async () => {
    plain = await experiment("拡張なし", tiny(), augSetting());
    augmented = await experiment("拡張あり", tiny(), { ...augSetting(), train: trainSet.with({ augment: slide }) });
  }));
  const right = () => ({ augment: slide, plain, augmented, accPlain: plain.test_acc, accAugmented: augmented.test_acc });
  const only = (augment: Fn) => ex8({ ...right(), augment });
  test("the right answer passes and reports the effect", () => {
    expectCorrect(() => ex8(right()), 8, /ずらしたテストデータで [\d.]+% → [\d.]+%: (データ拡張で上がりました|今回は上がりませんでした)/);
  });
  test("the geometric check accepts shiftImage/rotateImage in either order, and measures them", () => {
    const [img] = sampleDigits();
    const moved = shiftImage(rotateImage(img, [28, 28, 1], 7), [28, 28, 1], -2, 1);
    const g = closestShiftRotation(img, moved);
    expect(g.error).toBeLessThan(0.02);
    expect(Math.abs(g.degrees - 7)).toBeLessThanOrEqual(0.5);
    expect([Math.round(g.dx), Math.round(g.dy)]).toEqual([-2, 1]);
    const other = rotateImage(shiftImage(img, [28, 28, 1], 2, 2), [28, 28, 1], -9);
    expect(closestShiftRotation(img, other).error).toBeLessThan(0.02);
  });
  test("any correct use of the generator passes (issue 9: an augment that branches on the first draw)", async () => {
    const notebook: Fn = (img, s, rng) => rotateImage(shiftImage(img, s, rng.int(5) - 2, rng.int(5) - 2), s, (rng.next() - 0.5) * 20);
    const branch: Fn = (img, s, rng) => (rng.next() < 0.5 ? img : shiftImage(img, s, rng.int(5) - 2, rng.int(5) - 2));
    const branch2: Fn = (img, s, rng) => (rng.next() > 0.5 ? rotateImage(img, s, 20 * rng.next() - 10) : shiftImage(img, s, rng.int(3) - 1, 0));
    const inPlace: Fn = (img, s, rng) => {
      img.set(shiftImage(img, s, rng.int(5) - 2, rng.int(5) - 2));
      return img;
    };
    const onlyRotate: Fn = (img, s, rng) => rotateImage(img, s, 20 * rng.next() - 10);
    for (const f of [notebook, branch, branch2, inPlace, onlyRotate]) expect(() => checkAugment(f as (...args: unknown[]) => unknown)).not.toThrow();
    // the whole check, with a run trained with the branching augment
    const withBranch = await experiment("拡張あり", tiny(), { ...augSetting(), train: trainSet.with({ augment: aug(branch) }) });
    expectCorrect(() => ex8({ ...right(), augment: aug(branch), augmented: withBranch, accAugmented: withBranch.test_acc }), 8);
    withBranch.model.dispose();
  });
  test("issue 9: brightness jitter and painted pixels are not this augmentation", () => {
    const brightness: Fn = (img, _s, rng) => {
      const f = 0.8 + 0.4 * rng.next();
      return Uint8Array.from(img, (v) => Math.min(255, Math.round(v * f)));
    };
    const whitePixels: Fn = (img, _s, rng) => {
      const out = Uint8Array.from(img);
      for (let k = 0; k < 5; k++) out[rng.int(784)] = 255;
      return out;
    };
    const shiftAndBrightness: Fn = (img, s, rng) => Uint8Array.from(shiftImage(img, s, rng.int(5) - 2, 0), (v) => Math.round(v * 0.8));
    for (const f of [brightness, whitePixels, shiftAndBrightness]) expectHint(() => only(f), /平行移動・回転したものになっていません/);
  });
  test("issue 9: hand-typed accuracies are ✘; they must be the runs' own", () => {
    expectHint(() => ex8({ augment: slide, accPlain: 0.91, accAugmented: 0.97 }), /plain がまだ空です.*experiment\(\)/);
    expectHint(() => ex8({ ...right(), accAugmented: 0.97 }), /accAugmented = 0\.97 が、あなたの実験結果 augmented\.test_acc = [\d.]+ と違います/);
    expectHint(() => ex8({ ...right(), accPlain: 100 * (plain.test_acc as number) || 91 }), /百分率|割合/);
    expectHint(() => ex8({ ...right(), plain: { ...plain } }), /experiment\(\) が返した結果そのもの/);
  });
  test("the runs must be set up as the comparison needs", async () => {
    expectHint(() => ex8({ ...right(), plain: augmented, augmented: plain }), /plain の訓練データにもデータ拡張/);
    expectHint(() => ex8({ ...right(), augmented: plain }), /同じ実験結果/);
    const other = aug((img, s, rng) => shiftImage(img, s, rng.int(3) - 1, 0));
    expectHint(() => ex8({ ...right(), augment: other }), /答えの augment と違う関数/);
    const longer = await experiment("拡張あり", tiny(), { ...augSetting(), epochs: 2, train: trainSet.with({ augment: slide }) });
    expectHint(() => ex8({ ...right(), augmented: longer, accAugmented: longer.test_acc }), /エポック数 epochs が違います \(1 と 2\)/);
    longer.model.dispose();
  });
  test("typical mistakes in the augment get their hints", () => {
    expectHint(() => only((img) => img), /そのまま返して/);
    expectHint(() => only((img, s, rng) => shiftImage(img, s, 4 + rng.int(2), 0)), /ずらしすぎ/);
    expectHint(() => only((img, s, rng) => rotateImage(img, s, 20 + 5 * rng.next())), /回しすぎ/);
    expectHint(() => only((img) => img.slice(0, 700)), /784/);
    expectHint(() => only((img) => Float32Array.from(img)), /Uint8Array を返して/);
    expectHint(() => only((img) => tf.tensor(img)), /tf\.Tensor ではなく/);
    expectHint(() => only((img, s) => shiftImage(img, s, 1, 0)), /どのシードの rng でも同じ/);
    expectHint(() => only((img, s) => shiftImage(img, s, Math.floor(Math.random() * 5) - 2, Math.floor(Math.random() * 5) - 2)), /Math\.random/);
    expectHint(() => only((img) => img.map((v) => 255 - v)), /平行移動・回転/);
    expectHint(() => only(() => new Uint8Array(784)), /真っ黒/);
    expectHint(() => only(() => {
      throw new Error("oops");
    }), /エラー.*oops/);
    expectHint(() => only(async (img) => img), /Promise/);
  });
  // ---- issue 20: graded on what the exercise asks and allows (regression cases; docs/checkers.md) ----
  test("issue 20: 「±10° 程度」 allows 12° (false ✘ before); beyond ±15° the hint says what the check accepts", () => {
    const twelve: Fn = (img, s, rng) => rotateImage(shiftImage(img, s, rng.int(5) - 2, rng.int(5) - 2), s, rng.next() < 0.5 ? -12 : 12);
    expect(() => checkAugment(twelve as (...args: unknown[]) => unknown)).not.toThrow();
    expectHint(() => only((img, s, rng) => rotateImage(img, s, 18 + 2 * rng.next())), /回しすぎです \(約 (18|19|20)°\)。回転は ±10° 程度 \(確認セルが認めるのは ±15° まで\)/);
  });
  test("issue 20: runs evaluated on the unshifted test data instead of shifted_test are ✘ (false ✔ before)", () => {
    // plain and augmented were evaluated on testSet; the exercise's data is testSet shifted by 2 pixels
    expectHint(() => check.ex8(right(), { test: shiftedCopy(testSet, 2, 2) }), /plain を評価したデータ \(40 枚\) が、この演習で評価に使うデータ shifted_test \(40 枚\) と違います/);
    expectCorrect(() => check.ex8(right(), { test: shiftedCopy(testSet, 0, 0) }), 8); // the same images, another copy
  });
  test("issue 20: runs evaluated on the training images are ✘ (false ✔ before)", async () => {
    const s = { ...augSetting(), test: trainSet };
    const p = await experiment("拡張なし", tiny(), s);
    const a = await experiment("拡張あり", tiny(), { ...s, train: trainSet.with({ augment: slide }) });
    expectHint(() => ex8({ augment: slide, plain: p, augmented: a, accPlain: p.test_acc, accAugmented: a.test_acc }), /plain は訓練データそのもので評価されています/);
    p.model.dispose();
    a.model.dispose();
  });
  test("issue 20: the data must be passed", () => {
    expectHint(() => check.ex8(right()), /check\.ex8\(ex8, \{ test: shifted_test \}\) のように/);
  });
  test("undefined and the template are 未解答", () => {
    expectUnanswered(() => ex8(undefined));
    expectUnanswered(() => ex8({ augment: undefined, plain: undefined, augmented: undefined, accPlain: undefined, accAugmented: undefined }));
  });
});

// ---- one line per check, the summary table, the answer cell's errors ------------------------
describe("what a check cell shows", () => {
  test("issue 8: check.summary() prints ONE table of all 8 exercises, unrun ones as 未実行", () => {
    resetResults();
    check.ex1({ conv1: { shape: [26, 26, 32], params: 320 }, conv2: { shape: [24, 24, 64], params: 18496 }, pool: { shape: [12, 12, 64], params: 0 }, fc1: { shape: [128], params: 1179776 }, fc2: { shape: [10], params: 1290 } }, model);
    check.ex2({ conv1Params: 1 }, model);
    check.ex3(undefined);
    log.mockClear();
    let ret: unknown = "x";
    ret = check.summary();
    expect(ret).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(1);
    const table = String(log.mock.calls[0][0]).split("\n");
    expect(table).toHaveLength(10);
    expect(table[1]).toMatch(/^演習1 +✔ 正解 +全層の形とパラメータ数が合っています/);
    expect(table[2]).toMatch(/^演習2 +✘ 不正解 +conv1Params/);
    expect(table[3]).toMatch(/^演習3 +未解答 /);
    for (const n of [4, 5, 6, 7, 8]) expect(table[n]).toMatch(new RegExp(`^演習${n} +未実行 +確認セルをまだ実行していません`));
    expect(table[9]).toBe("(1/8 正解)");
    expect(check.results().map((r) => [r.exercise, r.status])).toEqual([[1, "correct"], [2, "wrong"], [3, "unanswered"]]);
  });
  test("issue 8: when the answer cell failed, the check says so and grades nothing (counts as not correct)", () => {
    const g = globalThis as { __lecture3_kernel?: unknown };
    const cells = [
      { n: 1, code: "const ex2 = { conv1Params: 320 };", ok: true },
      { n: 2, code: "const ex2 = { conv1Params: mlp_result.acuracy };", ok: false, error: "プロパティ 'acuracy' は存在しません" },
    ];
    g.__lecture3_kernel = { interrupts: 0, cells, current: null };
    try {
      const r = run(() => check.ex2({ conv1Params: 320, denseParams: 16981120, ratio: 53066, statement: EX2_RIGHT }, model));
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/^演習2: 解答セルがエラーのため実行されていません \(プロパティ 'acuracy' は存在しません\)。上のエラーを直してから解答セルを実行してください$/);
      cells.push({ n: 3, code: "const ex2 = { conv1Params: 320, denseParams: 16981120, ratio: 53066, statement: 2 };", ok: true });
      expectCorrect(() => check.ex2({ conv1Params: 320, denseParams: 16981120, ratio: 53066, statement: EX2_RIGHT }, model), 2);
    } finally {
      delete g.__lecture3_kernel;
    }
  });
  test("issue 8: a 10×9 matrix is described as 10×9, not 「長さ 10 の配列」", () => {
    const m = Array.from({ length: 10 }, () => new Array(9).fill(0));
    expect(describeValue(m)).toBe("10×9 の配列");
    expect(describeValue([1, 2, 3])).toBe("長さ 3 の配列");
    expectHint(() => check.ex7({ matrix: m, pair: [4, 9] }, { pred: [1, 2], target: [1, 2] }), /今は 10×9 の配列/);
  });
});

test("a checker called without its facts says what to pass instead of crashing", () => {
  const noFacts = undefined as never;
  expectHint(() => check.ex1({ conv1: { shape: [26, 26, 32], params: 320 } }, noFacts), /調べるモデルも渡して/);
  expectHint(() => check.ex2({ conv1Params: 1 }, noFacts), /CNN も渡して/);
  expectHint(() => check.ex3({ without: 1 }, noFacts), /without/);
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
