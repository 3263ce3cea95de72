// What the training loop hands to two parts of the library that it does not carry, so that a student reading fit()
// reads the loop and not them. Each part installs itself here when it loads; "lecture3" (core/index.ts) loads both:
//   the epoch line  fit() and trainEpoch() report each epoch's progress and summary: progress.ts redraws one line in
//                   place in a notebook, like tqdm (before it loads: each kept summary is printed, as outside a notebook)
//   the results     fit() and experiment() register what they return: provenance.ts keeps, for the checkers, a digest
//                   of the numbers, the options and a fingerprint of the weights (before it loads: nothing is kept)

/** One epoch's progress line (progress.ts: ProgressLine). */
export interface EpochLine {
  /** after mini-batch `done` of the line's total; `batchSize` examples were just trained on */
  tick(done: number, batchSize: number, loss?: number): void;
  /** shows `text` in place of the line (in a notebook) */
  show(text: string): void;
  /** the loop printed a line (console.log) below this one */
  printedBelow(): void;
  /** replaces the line with the epoch's summary; `keep` false: the next epoch's line may draw over it */
  finish(summary: string, keep?: boolean): void;
  /** set by finish() */
  kept: boolean | undefined;
}

/** A new epoch line of `total` mini-batches; `drawOver`: a finished line to draw over instead of adding one. */
export type NewEpochLine = (total: number, label: string, drawOver?: EpochLine) => EpochLine;

const printSummary: NewEpochLine = () => ({
  kept: undefined as boolean | undefined,
  tick() {},
  show() {},
  printedBelow() {},
  finish(summary: string, keep = true) {
    this.kept = keep;
    if (keep) console.log(summary);
  },
});

let newLine: NewEpochLine = printSummary;
let register: (result: object, setting?: object) => void = () => {};

/** The line of one epoch, drawn by what installed itself (progress.ts). */
export function epochLine(total: number, label: string, drawOver?: EpochLine): EpochLine {
  return newLine(total, label, drawOver);
}

/** Records `result` (and the options it was made with) for the checkers; returns `result`. */
export function registerResult<T extends object>(result: T, setting?: object): T {
  register(result, setting);
  return result;
}

/** progress.ts installs its ProgressLine. */
export function installEpochLine(f: NewEpochLine): void {
  newLine = f;
}

/** provenance.ts installs its registry. */
export function installResults(f: (result: object, setting?: object) => void): void {
  register = f;
}
