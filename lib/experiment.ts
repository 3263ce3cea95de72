// One comparison run for the generalization experiments: same seed, same data, one change.
//   const base = await experiment("なし", () => new Net(), { train: small, test: test_small, epochs: 20 });
//   const drop = await experiment("ドロップアウト", () => new Net({ dropout: 0.5 }), { ...same });
import type { ImageDataset } from "./data/dataset";
import { DataLoader } from "./data/loader";
import type { Module } from "./nn";
import { Adam, SGD } from "./optim";
import { manualSeed } from "./random";
import { EarlyStopping, fit, History } from "./train";

export interface ExperimentOptions {
  train: ImageDataset;
  /** evaluated after every epoch (test or validation data) */
  test: ImageDataset;
  epochs: number;
  batch_size?: number;
  /** "adam" (default, lr 1e-3) or "sgd" (lr 0.1) */
  optimizer?: "adam" | "sgd";
  lr?: number;
  momentum?: number;
  weight_decay?: number;
  early_stopping?: EarlyStopping;
  /** the same seed for every run of a comparison: same initial weights, same batch order */
  seed?: number;
  /** flatten images to [B, 784] (for the fully connected Net) */
  flatten?: boolean;
  on_epoch?: (h: History) => void;
  print_every?: number;
  /** measure train loss/accuracy with an extra pass in eval mode after each epoch (default true);
   *  false uses the running values of the epoch, which costs nothing */
  train_eval?: boolean;
}

export interface ExperimentResult {
  model: Module;
  history: History;
  /** train accuracy − test accuracy after the last epoch */
  gap: number;
  last: History["epochs"][number];
}

/** Trains a fresh model from `makeModel` and returns it with its history (train metrics measured in eval mode). */
export async function experiment(label: string, makeModel: () => Module, o: ExperimentOptions): Promise<ExperimentResult> {
  manualSeed(o.seed ?? 1);
  const model = makeModel();
  const params = model.parameters();
  const optimizer = o.optimizer === "sgd" ? SGD(params, { lr: o.lr ?? 0.1, momentum: o.momentum }) : Adam(params, { lr: o.lr ?? 1e-3 });
  const batch_size = o.batch_size ?? 50;
  const flatten = o.flatten ?? false;
  const train_loader = new DataLoader({ dataset: o.train, batch_size, shuffle: true, flatten });
  const train_eval = o.train_eval === false ? undefined : new DataLoader({ dataset: o.train.with({ augment: undefined }), batch_size: 1000, flatten });
  const test_loader = new DataLoader({ dataset: o.test, batch_size: 1000, flatten });
  try {
    const history = await fit(model, optimizer, train_loader, test_loader, {
      epochs: o.epochs,
      label,
      train_eval,
      weight_decay: o.weight_decay,
      early_stopping: o.early_stopping,
      on_epoch: o.on_epoch,
      print_every: o.print_every ?? 5,
    });
    const last = history.epochs[history.epochs.length - 1];
    return { model, history, gap: last.train_acc - last.test_acc, last };
  } finally {
    optimizer.dispose();
  }
}
