// Who frees a model's weights. TensorFlow.js keeps every tf.Variable until it is disposed, and nothing here frees
// one behind the student's back: no garbage-collector hook (an optimizer, `optim.SGD(new Net().parameters())`, or a
// kept `const w = layer.weight` may still use the weights of a module nobody refers to). They are freed
//   - when the student says so: model.dispose(), optimizer.dispose();
//   - when a notebook cell runs again: what the cell's previous run made (the weights of its modules, the state of its
//     optimizers) is freed as the new run makes its first such thing. The cell's `const model = new Net()` is being
//     replaced anyway, so running a cell again and again keeps memory flat. A model of the previous run that was
//     handed to another cell's variable (`kept.push(model)`) goes with it: build what you keep in a cell you do not
//     run again, or keep a copy (`model.snapshot()`).
// Outside a notebook (node, jest) no cell is running and only dispose() frees.
import { platform } from "./platform";

/** Something that holds tensors and frees them once (a second dispose() does nothing). */
export interface Owned {
  dispose(): void;
}

/** What the latest run of each cell made, by the cell's code (the same cell run again sends the same code). */
const latestRun = new Map<string, { cell: object; made: Owned[] }>();

/** Records `thing` as made by the cell running now (nothing outside a notebook) and returns it. */
export function madeByThisCell<T extends Owned>(thing: T): T {
  const cell = platform().cells()?.current; // the cell running now (none outside a notebook)
  if (!cell) return thing;
  let run = latestRun.get(cell.code);
  if (run?.cell !== cell) {
    // this run's first thing: the previous run of the same cell is over and what it made is freed
    run?.made.forEach((m) => m.dispose());
    run = { cell, made: [] };
    latestRun.set(cell.code, run);
  }
  run.made.push(thing);
  return thing;
}
