// What a beginner writes compiles and is checked at run time (optimizer names, ConvNet's two-number options),
// and experiment() names every number once: 訓練損失 (no penalty) vs 正則化項, 検証 vs テスト.
import { noiseDigits } from "./fixtures";
import { backend } from "./helpers";
import { EarlyStopping } from "../lib/core/early-stopping";
import { experiment } from "../lib/core/experiment";
import { experimentFigure } from "../lib/core/plot/experiments";
import { ConvNet, Net } from "../lib/core/models";
import { byName, OPTIMIZER_NAMES } from "../lib/core/optim";
import * as tf from "@tensorflow/tfjs";

beforeAll(backend);

/** n noise images with one bright row per class, labels i mod 10. */
const data = (n: number, seed: number) =>
  noiseDigits(n, seed, (image, i) => {
    for (let x = 0; x < 28; x++) image[(2 * (i % 10) + 4) * 28 + x] = 255;
  });

describe("optimizer by name", () => {
  test("a plain string compiles and works, case does not matter", () => {
    const v = [tf.variable(tf.zeros([2, 2]))];
    const name: string = "SGD"; // what a beginner's variable is typed as
    expect(String(byName(name, v, { lr: 0.5 }))).toBe("SGD(lr=0.5)");
    expect(String(byName("adam", v))).toBe("Adam(lr=0.001)");
    expect(String(byName("sgd", v))).toBe("SGD(lr=0.1)");
    tf.dispose(v);
  });
  test("an unknown name says which names exist, in Japanese and English", () => {
    expect(() => byName("sdg", [])).toThrow(/"sdg" は使えません。使える名前: "sgd", "adam" \/ unknown optimizer "sdg"; allowed: "sgd", "adam"/);
    expect(OPTIMIZER_NAMES).toEqual(["sgd", "adam"]);
    expect(() => byName("adam", [], { momentum: 0.9 })).toThrow(/momentum/);
  });
});

describe("ConvNet's channels and dropout accept number[] and are checked at run time", () => {
  test("a loop over nested arrays compiles (number[]) and builds the layers", () => {
    const made: number[][] = [];
    for (const channels of [[4, 8], [8, 16]]) {
      const m = new ConvNet({ channels, hidden: 8 });
      made.push([m.conv1.weight.shape[3] as number, m.conv2.weight.shape[3] as number]);
      m.dispose();
    }
    expect(made).toEqual([[4, 8], [8, 16]]);
  });
  test("wrong lengths or values are explained", () => {
    expect(() => new ConvNet({ channels: [16] })).toThrow(/channels には.*2 つ並べた配列.*例: \{ channels: \[32, 64\] \} \(今は \[16\]\)/);
    expect(() => new ConvNet({ channels: [16, 32, 64] })).toThrow(/今は \[16,32,64\]/);
    expect(() => new ConvNet({ channels: [16, 0.5] })).toThrow(/正の整数/);
    expect(() => new ConvNet({ dropout: [0.25] })).toThrow(/dropout には/);
    expect(() => new ConvNet({ dropout: [0.25, 1] })).toThrow(/0 以上 1 未満/);
    expect(() => new ConvNet({ kernel: 0 })).toThrow(/kernel/);
  });
});

describe("experiment()", () => {
  const train = data(40, 1);
  const valid = data(30, 2);

  test("option errors a beginner meets say what to do", async () => {
    await expect(experiment("x", () => new Net(), { train, epochs: 1 } as never)).rejects.toThrow(/valid \(検証データ\)/);
    await expect(experiment("x", () => new Net(), { train, valid, test: valid, epochs: 1 })).rejects.toThrow(/どちらか一方/);
    await expect(experiment("x", () => new Net(), { train, test: valid, epochs: 2, early_stopping: new EarlyStopping(1) })).rejects.toThrow(/早期停止は検証データ/);
    await expect(experiment("x", () => new Net(), { train, valid, epochs: 1, optimizer: "rmsprop" })).rejects.toThrow(/使える名前: "sgd", "adam"/);
    await expect(experiment("x", () => new Net(), { train, valid, epochs: 0 })).rejects.toThrow(/epochs/);
  });

  test("one Japanese line per printed epoch, one name per number; results named after the data", async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((s: string) => void lines.push(String(s)));
    let r;
    try {
      r = await experiment("L2", () => new Net(), { train, valid, epochs: 4, weight_decay: 1e-3, print_every: 2 });
    } finally {
      log.mockRestore();
    }
    expect(lines).toHaveLength(2); // epochs 2 and 4
    expect(lines[1]).toMatch(/^L2 エポック 4\/4: 訓練 損失 [\d.]+ 正解率 [\d.]+% 正則化項 [\d.]+ \| 検証 損失 [\d.]+ 正解率 [\d.]+% \| [\d.]+ 秒$/);
    // each name appears once per line: one 損失 for the training data, one for the validation data
    expect(lines[1].match(/損失/g)).toHaveLength(2);
    expect(lines[1]).not.toMatch(/train|test|loss|テスト/);
    const last = r.epochs[3];
    expect(r.evaluated_on).toBe("valid");
    expect(r.valid_acc).toBe(last.valid_acc);
    expect(Number.isNaN(r.test_acc)).toBe(true);
    expect(r.gap).toBeCloseTo(r.train_acc - r.valid_acc, 12);
    // the printed 正則化項 is (λ/2)Σ‖W‖² of the final weights, and 訓練損失 excludes it
    expect(lines[1]).toContain(`正則化項 ${r.penalty!.toFixed(4)}`);
    expect(lines[1]).toContain(`訓練 損失 ${r.train_loss.toFixed(4)}`);
    const fig = experimentFigure(r);
    expect(fig.data.map((t) => t.name)).toEqual(["L2 検証", "L2 訓練", "L2 検証", "L2 訓練"]);
    r.model.dispose();
  });

  test("early stopping restores the best validation epoch and says so once", async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((s: string) => void lines.push(String(s)));
    let r;
    try {
      r = await experiment("ES", () => new Net(), { train, valid, epochs: 30, early_stopping: new EarlyStopping(2), optimizer: "sgd", lr: 2, print_every: 0 });
    } finally {
      log.mockRestore();
    }
    const best = r.history.best_epoch!;
    expect(r.last.epoch).toBe(best);
    expect(r.valid_loss).toBe(Math.min(...r.epochs.map((e) => e.valid_loss)));
    expect(lines.filter((l) => /重みに戻しました/.test(l))).toHaveLength(1);
    r.model.dispose();
  });
});
