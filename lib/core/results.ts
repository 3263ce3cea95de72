// fit() and experiment() hand what they return to registerResult() before returning it. The checkers' bookkeeping
// (provenance.ts: a digest of the numbers, the options, a fingerprint of the weights) installs itself here when it
// loads, which "lecture3" does, so the training loop does not carry it. Until then nothing is recorded.

type Register = (result: object, setting?: object) => void;

let register: Register = () => {};

/** Records `result` (and the options it was made with) for whoever installed itself; returns `result`. */
export function registerResult<T extends object>(result: T, setting?: object): T {
  register(result, setting);
  return result;
}

/** Installs the bookkeeping that registerResult() feeds (provenance.ts). */
export function onResult(r: Register): void {
  register = r;
}
