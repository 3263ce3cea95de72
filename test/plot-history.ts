// A made-up training history for the plot tests: n epochs, falling loss, rising accuracy.
import type { History } from "../lib/core/train";

export function history(label: string, n: number, best_epoch?: number): History {
  const epochs = Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    train_loss: 1 / (i + 1),
    train_acc: 0.5 + i / 10,
    test_loss: 1.2 / (i + 1),
    test_acc: 0.4 + i / 10,
    seconds: 1,
  }));
  return { label, epochs, best_epoch };
}
