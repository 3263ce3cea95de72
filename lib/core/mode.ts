// train() / eval(): dropout and batch norm behave differently in the two modes (Module.training).

/**
 * Runs `f` with `model` in eval mode (no dropout draws, no batch-norm updates) and puts the mode it had back
 * afterwards, also when `f` throws; a promise returned by `f` restores the mode when it settles.
 */
export function inEvalMode<T>(model: { training: boolean; train(mode?: boolean): unknown; eval(): unknown }, f: () => T): T {
  const wasTraining = model.training;
  model.eval();
  let result: T;
  try {
    result = f();
  } catch (e) {
    model.train(wasTraining);
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => model.train(wasTraining)) as T;
  model.train(wasTraining);
  return result;
}
