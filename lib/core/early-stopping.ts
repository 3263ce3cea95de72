// Early stopping, as Keras's callback: stop when the monitored loss has not improved for `patience` epochs and
// put the best epoch's weights back. fit({ early_stopping }) calls start(), step(), restore() and discard().
import * as tf from "@tensorflow/tfjs";
import type { Module } from "./module";

/**
 * Stops when the monitored loss has not improved for `patience` epochs, and restores the best weights.
 * fit() calls start() first, so one EarlyStopping can serve several fit() calls, each judged on its own (as Keras).
 */
export class EarlyStopping {
  best = Infinity;
  best_epoch = 0;
  private waited = 0;
  private saved: Map<string, tf.Tensor> | null = null;

  constructor(readonly patience = 3, readonly min_delta = 0) {}

  /** Forgets an earlier training: no best loss, no epochs waited, no saved weights. */
  start(): void {
    this.best = Infinity;
    this.best_epoch = 0;
    this.waited = 0;
    this.discard();
  }

  /** Frees the saved weights without restoring them (fit() stopped by an interrupt or an error). */
  discard(): void {
    if (this.saved) tf.dispose([...this.saved.values()]);
    this.saved = null;
  }

  /** Call after each epoch with the validation loss. Returns true when training should stop. */
  step(model: Module, loss: number, epoch: number): boolean {
    if (loss < this.best - this.min_delta) {
      this.best = loss;
      this.best_epoch = epoch;
      this.waited = 0;
      this.discard();
      this.saved = model.snapshot();
      return false;
    }
    this.waited += 1;
    return this.waited >= this.patience;
  }

  /** Puts the best epoch's weights back into `model`. */
  restore(model: Module): void {
    if (!this.saved) return;
    model.load_state_dict(this.saved);
    this.discard();
  }
}
