// The two errors that stop a training loop. The kernel prints only their message, without a stack
// (scripts/tslab-preload.js recognizes them by name). And how a loop says where an interrupt stopped it.

/** Thrown by a loop that noticed Kernel > Interrupt. */
export class KeyboardInterrupt extends Error {
  /** @param batches how many mini-batches of the interrupted loop were completed */
  constructor(message: string, readonly batches = 0) {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** Kernel > Interrupt inside a loop: rethrown with a sentence that says where it stopped; other errors unchanged. */
export function rethrow(e: unknown, message: string): never {
  if (e instanceof KeyboardInterrupt) throw new KeyboardInterrupt(message, e.batches);
  throw e;
}

/** The loss became NaN or infinite: the step was not applied, the model keeps the weights it had before it. */
export class DivergedError extends Error {
  constructor(message: string, readonly loss: number) {
    super(message);
    this.name = "DivergedError";
  }
}
