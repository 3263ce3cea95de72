// The slide's training loop, evaluation and a per-epoch history (early stopping: early-stopping.ts; predict():
// predict.ts). The live epoch line and the checkers' record of what fit() returns are reported through hooks.ts.
//
//   for (const [input, target] of train_loader) {   for (input, target) in train_loader:
//     const output = model.forward(input)               output = model(input)
//     const loss = nll_loss(output, target)             loss = F.nll_loss(output, target)
//     backward: tf.variableGrads                        loss.backward()
//     step: optimizer.step(grads)                       optimizer.step()
//   }
import * as tf from "@tensorflow/tfjs";
import type { DataLoader } from "./data/loader";
import type { EarlyStopping } from "./early-stopping";
import { DivergedError, rethrow } from "./errors";
import { nll_loss } from "./functional";
import { inEvalMode } from "./mode";
import type { Module } from "./module";
import type { Optimizer } from "./optim";
import { epochLine, registerResult, type EpochLine } from "./hooks";

/**
 * How to train: one configuration that experiment() passes to fit(), fit() to trainEpoch() and trainEpoch() to
 * trainStep(); each reads the fields it uses (named after the function that reads them) and passes the rest on.
 */
export interface TrainOptions {
  /** fit, experiment: how many passes over the training data */
  epochs: number;
  /** trainStep: L2 regularization λ, adds (λ/2)·Σ‖W‖²_F over the weight matrices and kernels to the loss */
  weight_decay?: number;
  /** trainEpoch: print the running loss every this many mini-batches, counted from the first epoch, as the slide does (0: never) */
  log_interval?: number;
  /** trainEpoch, fit: the name of this run in progress lines, plots and tables (experiment takes it as its first argument) */
  label?: string;
  /** trainEpoch, fit: draw the live progress line (default true; experiment prints its own lines instead) */
  progress?: boolean;
  /** fit: keep the epoch's line every this many epochs and after the last (fit's default 1, experiment's 5; 0: only the last) */
  print_every?: number;
  /** fit: what the second loader is called in the epoch line: "テスト" (default) or "検証" for a validation split */
  test_name?: string;
  /** fit: measure train loss/accuracy with a separate pass over this loader in eval mode (exact; costs a pass) instead of the running values */
  train_eval_loader?: DataLoader;
  /** fit, experiment: stops on the evaluated loss and restores the best epoch's weights */
  early_stopping?: EarlyStopping;
  /** fit, experiment: called after every epoch, e.g. to redraw a live curve */
  on_epoch?: (h: History) => void;
}

/** (λ/2) Σ ‖W‖²_F over the parameters with two or more axes (weights and kernels, not biases). */
export function l2Penalty(model: Module, lambda: number): tf.Scalar {
  return tf.tidy(() => {
    const weights = model.parameters().filter((p) => p.rank >= 2);
    return tf.mul(lambda / 2, tf.addN(weights.map((w) => tf.sum(tf.square(w))))) as tf.Scalar;
  });
}

function countCorrect(output: tf.Tensor, target: tf.Tensor): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(output, 1), target), "int32")).dataSync()[0]);
}

/**
 * One mini-batch: forward → loss → backward → step. Returns the batch's loss and correct count.
 * A loss that is NaN or infinite is not stepped on: DivergedError, with the model as it was.
 */
export function trainStep(model: Module, optimizer: Optimizer, input: tf.Tensor, target: tf.Tensor, opts: Partial<TrainOptions> = {}): { loss: number; correct: number } {
  return tf.tidy(() => {
    let correct = 0;
    // zero_grad is not needed: variableGrads starts from nothing each time.
    const { value, grads } = tf.variableGrads(() => {
      const output = model.forward(input); // 推論計算
      correct = countCorrect(output, target);
      const loss = nll_loss(output, target); // 損失関数
      return opts.weight_decay ? tf.add(loss, l2Penalty(model, opts.weight_decay)) : loss;
    }, optimizer.params); // バックプロパゲーション
    const loss = value.dataSync()[0];
    if (!Number.isFinite(loss)) {
      throw new DivergedError(`損失が ${loss} になりました。学習率が大きすぎる可能性があります (${optimizer})。学習率を下げてやり直してください`, loss);
    }
    optimizer.step(grads); // パラメータ更新
    return { loss, correct };
  });
}

/** Where an epoch stands within fit(): not configuration, but the place of one call. */
export interface EpochPlace {
  /** the epoch's number from 1 (its label, the mini-batch numbers of the running-loss lines, the interrupt message) */
  epoch?: number;
  /** a progress line drawn by the caller: this epoch ticks it and leaves it for the caller to finish */
  line?: EpochLine;
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  count: number;
  seconds: number;
}

const pct = (x: number) => (100 * x).toFixed(2);

/** "label エポック 2/5", the name of an epoch in its progress line and messages. */
function epochLabel(opts: Partial<TrainOptions>, epoch?: number): string {
  return `${opts.label ? opts.label + " " : ""}エポック${epoch !== undefined ? ` ${epoch}/${opts.epochs}` : ""}`;
}

/** One pass over the training set in training mode. Loss and accuracy are running means over the epoch. */
export async function trainEpoch(model: Module, optimizer: Optimizer, loader: DataLoader, opts: Partial<TrainOptions> = {}, at: EpochPlace = {}): Promise<EpochResult> {
  model.train();
  const label = epochLabel(opts, at.epoch);
  const own = at.line === undefined && opts.progress !== false;
  const bar = at.line ?? (own ? epochLine(loader.length, label) : null);
  // mini-batches trained before this epoch (every epoch of fit() trains every batch of the loader)
  const before = ((at.epoch ?? 1) - 1) * loader.length;
  const t0 = Date.now();
  let sum = 0;
  let correct = 0;
  let count = 0;
  let running = 0;
  let b = 0;
  try {
    for await (const [input, target] of loader) {
      const r = trainStep(model, optimizer, input, target, opts);
      const n = target.shape[0];
      sum += r.loss * n;
      correct += r.correct;
      count += n;
      running += r.loss;
      b += 1;
      const i = before + b;
      if (opts.log_interval && i % opts.log_interval === 0) {
        console.log(`[${String(i).padStart(5)}] loss: ${(running / opts.log_interval).toFixed(3)}`);
        bar?.printedBelow();
        running = 0;
      }
      bar?.tick(b, n, sum / count);
    }
  } catch (e) {
    const epoch = at.epoch !== undefined ? `epoch ${at.epoch}, ` : "";
    // a diverging loss names the batch that failed (b + 1); an interrupt the batches completed (b)
    if (e instanceof DivergedError) {
      throw new DivergedError(`学習を止めました (${epoch}batch ${b + 1}/${loader.length}): ${e.message}。モデルは直前のステップの重みのままです`, e.loss);
    }
    rethrow(e, `学習を中断しました (${epoch}batch ${b}/${loader.length})。モデルはそこまでの重みです`);
  }
  const res = { loss: sum / count, accuracy: correct / count, count, seconds: (Date.now() - t0) / 1000 };
  if (own) bar?.finish(`${label}: 訓練 損失 ${res.loss.toFixed(4)} 正解率 ${pct(res.accuracy)}% | ${res.seconds.toFixed(1)} 秒`);
  return res;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  correct: number;
  /** the real number of examples (the slide's code adds batch_size per batch, which overcounts a short last batch) */
  count: number;
}

/** Loss and accuracy over every example of `loader`, in eval mode, without gradients. */
export async function evaluate(model: Module, loader: DataLoader): Promise<EvalResult> {
  let sum = 0;
  let correct = 0;
  let count = 0;
  await inEvalMode(model, async () => {
    try {
      for await (const [input, target] of loader) {
        tf.tidy(() => {
          const output = model.forward(input);
          sum += nll_loss(output, target, "sum").dataSync()[0];
          correct += countCorrect(output, target);
          count += target.shape[0];
        });
      }
    } catch (e) {
      rethrow(e, `評価を中断しました (${count} 枚目まで)`);
    }
  });
  return { loss: sum / count, accuracy: correct / count, correct, count };
}

export interface EpochRecord {
  epoch: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  seconds: number;
}

export interface History {
  label: string;
  epochs: EpochRecord[];
  /** with early stopping: the epoch whose weights the model holds at the end */
  best_epoch?: number;
  stopped_early?: boolean;
}

/** Trains for `epochs` epochs, evaluating on `test_loader` after each; returns the history. One line per epoch. */
export async function fit(model: Module, optimizer: Optimizer, train_loader: DataLoader, test_loader: DataLoader, opts: TrainOptions): Promise<History> {
  const history: History = { label: opts.label ?? "run", epochs: [] };
  opts.early_stopping?.start();
  try {
    await fitEpochs(model, optimizer, train_loader, test_loader, opts, history);
  } catch (e) {
    opts.early_stopping?.discard(); // an interrupted or failed fit keeps no snapshot
    throw e;
  }
  if (opts.early_stopping) {
    opts.early_stopping.restore(model);
    history.best_epoch = opts.early_stopping.best_epoch;
  }
  return registerResult(history);
}

/** fit()'s epochs: train, evaluate, record, draw the line, ask early stopping. */
async function fitEpochs(model: Module, optimizer: Optimizer, train_loader: DataLoader, test_loader: DataLoader, opts: TrainOptions, history: History): Promise<void> {
  const every = opts.print_every ?? 1;
  const testName = opts.test_name ?? "テスト";
  let line = null as EpochLine | null;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const t0 = Date.now();
    const label = epochLabel(opts, epoch);
    // the line of an epoch that is not kept (print_every) is drawn over by the next epoch's
    const prev: EpochLine | null = line;
    line = opts.progress === false ? null : epochLine(train_loader.length, label, prev?.kept === false ? prev : undefined);
    const tr = await trainEpoch(model, optimizer, train_loader, opts, { epoch, line: line ?? undefined });
    line?.show(`${label}: ${testName}データで評価中…`);
    let train: { loss: number; accuracy: number };
    let test: EvalResult;
    try {
      train = opts.train_eval_loader ? await evaluate(model, opts.train_eval_loader) : tr;
      test = await evaluate(model, test_loader);
    } catch (e) {
      rethrow(e, `エポック ${epoch} の学習は終わり、評価の途中で中断しました。モデルはエポック ${epoch} の終わりの重みです`);
    }
    const rec: EpochRecord = {
      epoch,
      train_loss: train.loss,
      train_acc: train.accuracy,
      test_loss: test.loss,
      test_acc: test.accuracy,
      seconds: (Date.now() - t0) / 1000,
    };
    history.epochs.push(rec);
    const stop = opts.early_stopping?.step(model, test.loss, epoch) ?? false;
    const keep = stop || epoch % every === 0 || epoch === opts.epochs;
    line?.finish(
      `${label}: 訓練 損失 ${rec.train_loss.toFixed(4)} 正解率 ${pct(rec.train_acc)}% | ` +
        `${testName} 損失 ${rec.test_loss.toFixed(4)} 正解率 ${pct(rec.test_acc)}% (${test.correct}/${test.count}) | ${rec.seconds.toFixed(1)} 秒`,
      keep,
    );
    opts.on_epoch?.(history);
    if (stop) {
      history.stopped_early = true;
      break;
    }
  }
}
