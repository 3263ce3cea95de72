// The checkers' one fuzzer (issue 12 item 6, issue 21 item 6): every checker check.ex1 … check.ex9, fed values of the
// wrong kind — undefined, null, NaN, numbers, booleans, strings, functions, objects with other keys, flat and nested
// arrays of the wrong shape, disposed tensors, tensors of the wrong dtype or shape — as the whole answer and in each
// field of an answer that is right up to that field, prints one line with a hint (✘ or 未解答) and never throws.
// A hint names what to fix: the field, or the form of the whole answer; the catch-all line of runCheck
// ("答えを確認できませんでした …") is not a hint and fails here.
import * as tf from "@tensorflow/tfjs";
import { randomShiftRotate } from "../lib/core/data/augment";
import { ImageDataset } from "../lib/core/data/dataset";
import { Compose, Normalize, ToTensor } from "../lib/core/data/transforms";
import { experiment, ExperimentResult } from "../lib/core/experiment";
import { check } from "../lib/core/exercises";
import { EX2_RIGHT } from "../lib/core/exercises/ex2";
import { gaborReference } from "../lib/core/exercises/ex6";
import { confusionCounts } from "../lib/core/metrics";
import { ConvNet } from "../lib/core/models";
import { Flatten, Linear, Module, ReLU, Sequential } from "../lib/core/nn";
import { manualSeed, Random } from "../lib/core/random";
import { backend, silently } from "./helpers";

type Answer = Record<string, unknown> | unknown[];
interface Case {
  /** the checker with its facts: check.exN(answer, facts) */
  check: (answer: unknown) => void;
  /** an answer that is right up to (and including) each field listed in `fields` */
  base: () => Answer;
  /** paths of the fields to spoil, e.g. "conv1.shape", "0.kernel" (an index into an array answer) */
  fields: string[];
  /** more bad values for one field: the right shape in the wrong dtype, a wrong nesting */
  extra?: [string, () => unknown][];
}

const kept: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => (kept.push(t), t);
const disposed = () => {
  const t = tf.ones([2, 3]);
  t.dispose();
  return t;
};
/** The bad values fed to every checker, whole and in every field. */
const BAD: [string, () => unknown][] = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["NaN", () => NaN],
  ["a string", () => "26, 26, 32"],
  ["an empty string", () => ""],
  ["a ragged nested array", () => [[1, 2], [3]]],
  ["a too deep nested array", () => [[[1, 2]], [[3, 4]]]],
  ["a nested array of strings", () => [["a", "b"], ["c", "d"]]],
  ["a disposed tensor", disposed],
  ["an array holding a disposed tensor", () => [disposed()]],
  ["an int32 tensor", () => keep(tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32"))],
  ["a bool tensor", () => keep(tf.tensor1d([true, false], "bool"))],
  ["a string tensor", () => keep(tf.tensor1d(["a", "b"], "string"))],
  ["a tensor of a shape no answer has", () => keep(tf.zeros([2, 3]))],
  ["a number", () => 42],
  ["a boolean", () => true],
  ["a flat array", () => [1, 2, 3]],
  ["a function", () => () => 1],
  ["an empty object", () => ({})],
  ["an object with other keys", () => ({ x: 1 })],
];

/** `base` with the value at `field` (a dotted path) replaced. */
function spoil(base: Answer, field: string, value: unknown): Answer {
  const copy = shallow(base);
  const keys = field.split(".");
  let at = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = (at[k] = shallow(at[k] as Answer)) as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
  return copy;
}
/** A shallow copy that keeps tensors, runs and functions as they are (they are not cloned). */
const shallow = (v: Answer): Answer => (Array.isArray(v) ? [...v] : { ...v });

let log: jest.SpyInstance;
/**
 * Runs one check; returns what is wrong with it, or null: it must not throw, must print exactly one line, and that
 * line must be 未解答 or ✘ with a hint that names `name` (when given).
 */
function problem(c: Case, answer: unknown, n: number, name?: string): string | null {
  log.mockClear();
  try {
    c.check(answer);
  } catch (e) {
    return `threw ${String(e)}`;
  }
  const lines = log.mock.calls.map((args) => String(args[0]));
  if (lines.length !== 1) return `printed ${lines.length} lines: ${lines.join(" / ")}`;
  const line = lines[0];
  if (!new RegExp(`^演習${n}: (✘ |未解答 )`).test(line) || /答えを確認できませんでした/.test(line)) return `not a hint: ${line}`;
  if (name !== undefined && line.includes("✘") && !line.includes(name)) return `does not name ${name}: ${line}`;
  return null;
}

// ---- fixtures: a small CNN, tiny data sets, and runs of experiment() ------------------------------
const transform = Compose([ToTensor(), Normalize([0.5], [1.0])]);
/** n images of noise with a bright row at the height of their label (a pattern a small CNN learns). */
function rows(n: number, seed: number): ImageDataset {
  const rng = new Random(seed);
  const images = Uint8Array.from({ length: n * 784 }, () => rng.int(40));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  labels.forEach((l, i) => images.fill(255, i * 784 + (4 + 2 * l) * 28, i * 784 + (5 + 2 * l) * 28));
  return new ImageDataset(images, labels, [28, 28, 1], transform);
}
let model: ConvNet;
let image: tf.Tensor;
let train: ImageDataset;
let testSet: ImageDataset;
const runs: Record<string, ExperimentResult> = {};
const small = (opts: Record<string, unknown> = {}) => () => new ConvNet({ channels: [4, 8], hidden: 16, ...opts });
const augment = randomShiftRotate();

beforeAll(async () => {
  await backend();
  manualSeed(0);
  model = new ConvNet();
  train = rows(20, 1);
  testSet = rows(20, 2);
  image = keep(tf.tidy(() => train.batch([0])[0]));
  const setting = { train, test: testSet, epochs: 1, lr: 0.01, print_every: 0 };
  await silently(async () => {
    runs.plain = await experiment("なし", small(), setting);
    runs.dropout = await experiment("ドロップアウト", small({ dropout: [0.25, 0.5] }), setting);
    runs.bn = await experiment("BN", small({ batchNorm: true }), setting);
    runs.augmented = await experiment("拡張", small(), { ...setting, train: train.with({ augment }) });
    runs.c16k3 = await experiment("16/32", () => new ConvNet({ channels: [16, 32], kernel: 3 }), setting);
  });
});
afterAll(() => {
  model.dispose();
  Object.values(runs).forEach((r) => r.model.dispose());
  kept.forEach((t) => t.dispose());
});
beforeEach(() => (log = jest.spyOn(console, "log").mockImplementation(() => undefined)));
afterEach(() => log.mockRestore());

const pred = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3, 5];
const target = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 8, 8, 3];
/** The 20-layer plain network of 08 (narrow here): 演習9's facts. */
const plain = () => new Sequential(new Flatten(), new Linear(784, 8), new ReLU(), ...Array.from({ length: 18 }, () => [new Linear(8, 8), new ReLU()]).flat(), new Linear(8, 10));

const CASES: Record<number, Case> = {
  1: {
    check: (a) => check.ex1(a, model),
    base: () => ({
      conv1: { shape: [26, 26, 32], params: 320 },
      conv2: { shape: [24, 24, 64], params: 18496 },
      pool: { shape: [12, 12, 64], params: 0 },
      fc1: { shape: [128], params: 1179776 },
      fc2: { shape: [10], params: 1290 },
    }),
    fields: ["conv1", "conv1.shape", "conv1.params", "conv2.shape", "pool", "fc1.shape", "fc2.params"],
    extra: [["conv1.shape", () => keep(tf.tensor1d([true, true, false], "bool"))], ["conv1.shape", () => [[26, 26, 32]]]],
  },
  2: {
    check: (a) => check.ex2(a, model),
    base: () => ({ conv1Params: 320, denseParams: 16981120, ratio: 16981120 / 320, statement: EX2_RIGHT }),
    fields: ["conv1Params", "denseParams", "ratio", "statement"],
    extra: [["conv1Params", () => keep(tf.scalar(320, "int32"))], ["statement", () => [EX2_RIGHT]]],
  },
  3: {
    check: (a) => check.ex3(a, { test: testSet }),
    base: () => ({ without: runs.plain, with: runs.dropout, gapWithout: runs.plain.gap, gapWith: runs.dropout.gap }),
    fields: ["without", "with", "gapWithout", "gapWith"],
    extra: [["gapWith", () => keep(tf.scalar(runs.dropout.gap))], ["with", () => [runs.dropout]]],
  },
  4: {
    check: (a) => check.ex4(a, { test: testSet }),
    base: () => ({ without: runs.plain, with: runs.bn, lossWithout: runs.plain.history.epochs[0].train_loss, lossWith: runs.bn.history.epochs[0].train_loss }),
    fields: ["without", "with", "lossWithout", "lossWith"],
    extra: [["lossWith", () => keep(tf.scalar(runs.bn.history.epochs[0].train_loss))]],
  },
  5: {
    check: (a) => check.ex5(a, { test: testSet }),
    // the first row graded is channels [16, 32], kernel 3: only it needs its real run to reach each of its fields
    base: () => [
      { channels: [16, 32], kernel: 3, params: runs.c16k3.model.numParameters(), accuracy: runs.c16k3.test_acc, result: runs.c16k3 },
      ...[[16, 32, 5], [32, 64, 3], [32, 64, 5], [64, 128, 3], [64, 128, 5]].map(([c1, c2, k]) => ({ channels: [c1, c2], kernel: k, params: 1, accuracy: 0.5, result: null })),
    ],
    fields: ["0", "0.channels", "0.kernel", "0.result", "0.params", "0.accuracy"],
    extra: [["0.channels", () => keep(tf.tensor1d([16, 32], "bool"))], ["0.channels", () => [[16], [32]]]],
  },
  6: {
    check: (a) => check.ex6(a, { model, image }),
    base: () => ({
      kernels: tf.tidy(() => model.conv1.weight.reshape([3, 3, 32]).transpose([2, 0, 1]).arraySync()),
      featureMaps: tf.tidy(() => tf.relu(model.conv1.forward(image)).squeeze([0]).transpose([2, 0, 1]).arraySync()),
      gabor: (x: number, y: number, p: Parameters<typeof gaborReference>[2]) => gaborReference(x, y, p),
    }),
    fields: ["kernels", "featureMaps", "gabor"],
    extra: [
      ["kernels", () => keep(tf.zeros([32, 3, 3], "bool"))],
      ["kernels", () => keep(tf.zeros([32, 3, 3], "int32"))],
      ["featureMaps", () => keep(tf.tensor(new Array(32 * 26 * 26).fill("0"), [32, 26, 26], "string"))],
      ["featureMaps", () => keep(tf.tidy(() => tf.complex(tf.zeros([32, 26, 26]), tf.zeros([32, 26, 26]))))],
    ],
  },
  7: {
    check: (a) => check.ex7(a, { pred, target }),
    base: () => ({ matrix: confusionCounts(pred, target, 10), pair: [8, 3] }),
    fields: ["matrix", "pair"],
    extra: [
      ["matrix", () => keep(tf.ones([10, 10], "bool"))],
      ["matrix", () => keep(tf.tensor2d(confusionCounts(pred, target, 10).map((r) => r.map(String)), [10, 10], "string"))],
      ["pair", () => keep(tf.tensor1d([8, 3], "bool"))],
      ["pair", () => [[8], [3]]],
    ],
  },
  8: {
    check: (a) => check.ex8(a, { test: testSet }),
    base: () => ({ augment, plain: runs.plain, augmented: runs.augmented, accPlain: runs.plain.test_acc, accAugmented: runs.augmented.test_acc }),
    fields: ["augment", "plain", "augmented", "accPlain", "accAugmented"],
    extra: [["accPlain", () => keep(tf.scalar(runs.plain.test_acc))]],
  },
  9: {
    check: (a) => check.ex9(a, { plain: plain(), data: train }),
    base: () => ({ model: plain() }),
    fields: ["model"],
    extra: [["model", () => [plain()]]],
  },
};

test.each([1, 2, 3, 4, 5, 6, 7, 8, 9])(
  "check.ex%i fed undefined, null, NaN, strings, wrong nested arrays, disposed tensors and tensors of the wrong dtype prints a hint and never throws",
  (n) => {
    const c = CASES[n];
    const problems: string[] = [];
    let tried = 0;
    const grade = (label: string, answer: unknown, name?: string) => {
      tried++;
      const p = problem(c, answer, n, name);
      if (p !== null) problems.push(`check.ex${n}, ${label}: ${p}`);
    };
    for (const [what, value] of BAD) grade(`answer = ${what}`, value());
    for (const field of c.fields) {
      const extra = (c.extra ?? []).filter(([f]) => f === field).map(([, v]) => ["the right shape or nesting in the wrong dtype or form", v] as [string, () => unknown]);
      // the hint names the field it is about (its last key; "0 行目" for a row of 演習5)
      const key = field.split(".").pop()!;
      for (const [what, value] of [...BAD, ...extra]) grade(`${field} = ${what}`, spoil(c.base(), field, value()), /^\d+$/.test(key) ? `${key} 行目` : key);
    }
    expect(problems).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(BAD.length * (1 + c.fields.length));
  },
);
