// One comparison run for the generalization experiments: same seed, same data, one change.
//   const base = await experiment("対策なし", () => new Net(), { train: small, valid: valid, epochs: 20 });
//   const drop = await experiment("ドロップアウト", () => new Net({ dropout: 0.5 }), { ...same });
//   showExperiments([base, drop], "ドロップアウト");   (the figure: plot/experiments.ts)
// Each run prints one Japanese line every `print_every` epochs (worded like fit()'s), with one name per number:
//   対策なし エポック 20/20: 訓練 損失 0.0012 正解率 100.00% | 検証 損失 0.5120 正解率 86.90% | 0.9 秒
// 訓練 損失 (訓練損失) is the nll loss on the training data measured after the epoch in eval mode; with weight decay
// the penalty (λ/2)Σ‖W‖²_F is shown separately as 正則化項 (what the optimizer minimizes is their sum).
import * as tf from "@tensorflow/tfjs";
import type { ImageDataset } from "./data/dataset";
import { DataLoader } from "./data/loader";
import type { Module } from "./module";
import { byName } from "./optim";
import { manualSeed } from "./random";
import { registerResult } from "./hooks";
import { fit, History, l2Penalty, TrainOptions } from "./train";

/** The training configuration (epochs, weight_decay, early_stopping (needs `valid`), print_every, on_epoch, ...) and the run's data and optimizer. */
export interface ExperimentOptions extends TrainOptions {
  train: ImageDataset;
  /** 検証データ evaluated after every epoch: drives early stopping and the choice of settings */
  valid?: ImageDataset;
  /** テストデータ evaluated after every epoch (when no validation data is given; never with early stopping) */
  test?: ImageDataset;
  batch_size?: number;
  /** "adam" (default, lr 1e-3) or "sgd" (lr 0.1); checked at run time */
  optimizer?: string;
  lr?: number;
  momentum?: number;
  /** the same seed for every run of a comparison: same initial weights, same batch order */
  seed?: number;
  /** measure train loss/accuracy with an extra pass in eval mode after each epoch (default true);
   *  false uses the running values of the epoch, which costs nothing */
  train_eval?: boolean;
}

/** One epoch of a run, named after the data it was measured on (NaN for data not evaluated in this run). */
export interface ExperimentEpoch {
  epoch: number;
  /** nll loss and accuracy on the training data after the epoch (eval mode, without the penalty) */
  train_loss: number;
  train_acc: number;
  valid_loss: number;
  valid_acc: number;
  test_loss: number;
  test_acc: number;
  seconds: number;
}

/**
 * train_*, valid_*, test_* of the kept epoch (see `last`), named as in ExperimentEpoch; valid_* is NaN when the run
 * evaluated the test data, test_* when it evaluated validation data.
 */
export interface ExperimentResult extends Omit<ExperimentEpoch, "epoch" | "seconds"> {
  label: string;
  model: Module;
  /** per epoch: train_* and test_* where test_* is the data evaluated after each epoch (see evaluated_on) */
  history: History;
  /** what was evaluated after each epoch: "valid" (検証データ) or "test" (テストデータ) */
  evaluated_on: "valid" | "test";
  /** train accuracy − evaluated accuracy after the last epoch (or the restored epoch with early stopping) */
  gap: number;
  /** the record of the last epoch, or of the restored epoch with early stopping */
  last: History["epochs"][number];
  /** every epoch, with its numbers named valid_* or test_* after the data evaluated */
  epochs: ExperimentEpoch[];
  /** (λ/2)Σ‖W‖²_F of the final weights, when weight_decay was set */
  penalty?: number;
}

const NAMES = { valid: "検証", test: "テスト" } as const;

function checkOptions(options: ExperimentOptions): "valid" | "test" {
  if (!options || typeof options !== "object") throw new Error("experiment: 3 つ目の引数に { train, valid, epochs } のような設定を渡してください / pass options { train, valid, epochs }");
  if (!options.train) throw new Error("experiment: train (訓練データ) がありません / options.train is missing");
  if (options.valid && options.test) throw new Error("experiment: valid と test はどちらか一方だけ指定します / give either valid or test, not both");
  if (!options.valid && !options.test) throw new Error("experiment: 毎エポック評価するデータ valid (検証データ) を指定してください / options.valid is missing");
  if (options.early_stopping && !options.valid) {
    throw new Error("experiment: 早期停止は検証データ (valid) で判断します。テストデータで止めるエポックを選ぶと、テストデータが評価に使えなくなります / early stopping needs validation data (valid), not the test set");
  }
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new Error(`experiment: epochs は 1 以上の整数にしてください (今は ${options.epochs}) / epochs must be a positive integer`);
  return options.valid ? "valid" : "test";
}

/** Trains a fresh model from `makeModel` and returns it with its history (train metrics measured in eval mode). */
export async function experiment(label: string, makeModel: () => Module, options: ExperimentOptions): Promise<ExperimentResult> {
  const on = checkOptions(options);
  const evalSet = (on === "valid" ? options.valid : options.test) as ImageDataset;
  const name = NAMES[on];
  manualSeed(options.seed ?? 1);
  const model = makeModel();
  const optimizer = byName(options.optimizer ?? "adam", model.parameters(), { lr: options.lr, momentum: options.momentum });
  const batch_size = options.batch_size ?? 50;
  const train_loader = new DataLoader({ dataset: options.train, batch_size, shuffle: true });
  const exact = options.train_eval !== false;
  const train_eval_loader = exact ? new DataLoader({ dataset: options.train.with({ augment: undefined }), batch_size: 1000 }) : undefined;
  const evalLoader = new DataLoader({ dataset: evalSet, batch_size: 1000 });
  const every = options.print_every ?? 5;
  const penaltyOf = () => (options.weight_decay ? tf.tidy(() => l2Penalty(model, options.weight_decay as number).dataSync()[0]) : undefined);
  // without the extra pass, the running train loss of an epoch includes the penalty (it is what the optimizer saw)
  const trainName = exact ? "損失" : options.weight_decay ? "目的関数 (損失 + 正則化項, エポック中の平均)" : "損失 (エポック中の平均)";
  const pc = (x: number) => `${(100 * x).toFixed(2)}%`;
  const line = (h: History) => {
    const r = h.epochs[h.epochs.length - 1];
    const pen = exact ? penaltyOf() : undefined;
    return (
      `${label} エポック ${String(r.epoch).padStart(String(options.epochs).length)}/${options.epochs}: ` +
      `訓練 ${trainName} ${r.train_loss.toFixed(4)} 正解率 ${pc(r.train_acc)}` +
      (pen !== undefined ? ` 正則化項 ${pen.toFixed(4)}` : "") +
      ` | ${name} 損失 ${r.test_loss.toFixed(4)} 正解率 ${pc(r.test_acc)} | ${r.seconds.toFixed(1)} 秒`
    );
  };
  try {
    let printed = 0;
    const history = await fit(model, optimizer, train_loader, evalLoader, {
      ...options,
      label,
      train_eval_loader,
      progress: false,
      on_epoch: (h) => {
        const e = h.epochs.length;
        if ((every > 0 && e % every === 0) || e === options.epochs) {
          console.log(line(h));
          printed = e;
        }
        options.on_epoch?.(h);
      },
    });
    if (history.epochs.length > 0 && printed !== history.epochs.length) console.log(line(history));
    if (history.epochs.length === 0) throw new Error(`experiment ${label}: 1 エポックも学習しませんでした / no epoch was trained`);
    const kept = history.best_epoch !== undefined ? history.epochs[history.best_epoch - 1] : history.epochs[history.epochs.length - 1];
    if (history.best_epoch !== undefined) {
      const why = history.stopped_early ? `エポック ${history.epochs.length} で停止し、` : `${history.epochs.length} エポック学習し、`;
      console.log(`${label}: ${why}${name}損失が最小のエポック ${history.best_epoch} の重みに戻しました`);
    }
    const named = (e: History["epochs"][number]): ExperimentEpoch => ({
      epoch: e.epoch,
      train_loss: e.train_loss,
      train_acc: e.train_acc,
      valid_loss: on === "valid" ? e.test_loss : NaN,
      valid_acc: on === "valid" ? e.test_acc : NaN,
      test_loss: on === "test" ? e.test_loss : NaN,
      test_acc: on === "test" ? e.test_acc : NaN,
      seconds: e.seconds,
    });
    const { epoch: _epoch, seconds: _seconds, ...numbers } = named(kept);
    const res: ExperimentResult = {
      label,
      model,
      history,
      evaluated_on: on,
      epochs: history.epochs.map(named),
      gap: kept.train_acc - kept.test_acc,
      last: kept,
      ...numbers,
      penalty: penaltyOf(),
    };
    return registerResult(res, options);
  } finally {
    optimizer.dispose();
  }
}
