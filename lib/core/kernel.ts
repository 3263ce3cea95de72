// What the tslab kernel knows about the cells a student ran, and about Kernel > Interrupt.
// The kernel preload (scripts/tslab-preload.js) records every cell execution and counts interrupts in
// globalThis.__lecture3_kernel; outside a tslab kernel (node, jest) nothing is recorded and every
// function here answers "nothing known".

/** One executed cell, as the kernel preload records it. */
export interface CellRecord {
  /** 1, 2, 3, ... in the order the kernel ran them */
  n: number;
  code: string;
  /** true: ran to the end; false: did not compile or threw; null: still running */
  ok: boolean | null;
  /** the first line of the compile or run-time error */
  error?: string;
}

interface KernelState {
  interrupts: number;
  cells: CellRecord[];
  current: CellRecord | null;
}

function state(): KernelState | null {
  const s = (globalThis as { __lecture3_kernel?: KernelState }).__lecture3_kernel;
  return s && typeof s.interrupts === "number" && Array.isArray(s.cells) ? s : null;
}

/** How many times the kernel has been interrupted so far (0 outside a kernel). */
export function interruptCount(): number {
  return state()?.interrupts ?? 0;
}

/** Thrown by a loop that noticed Kernel > Interrupt; the kernel prints only its message, without a stack. */
export class KeyboardInterrupt extends Error {
  /** @param batches how many mini-batches of the interrupted loop were completed */
  constructor(message: string, readonly batches = 0) {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** Remembers the interrupt count when a loop starts; `interrupted()` is true once the kernel was interrupted since. */
export class InterruptWatch {
  private readonly start = interruptCount();
  get interrupted(): boolean {
    return interruptCount() !== this.start;
  }
}

const declares = (name: string) => new RegExp(`(^|[^\\w$.])(const|let|var)\\s+${name}\\b|(^|[^\\w$.])${name}\\s*=[^=>]`, "m");

/**
 * The latest cell (other than the one running now) that assigns `name`, e.g. "ex2": the answer cell.
 * Undefined outside a kernel or when no such cell has run.
 */
export function lastCellAssigning(name: string): CellRecord | undefined {
  const s = state();
  if (!s) return undefined;
  const re = declares(name);
  for (let i = s.cells.length - 1; i >= 0; i--) {
    const c = s.cells[i];
    if (c !== s.current && c.ok !== null && re.test(c.code)) return c;
  }
  return undefined;
}

/**
 * Why the answer in `name` cannot be graded, or null when it can: the latest cell that assigns it failed to
 * compile or threw (the variable still holds an older value, or none). Null outside a kernel.
 */
export function answerCellProblem(name: string): string | null {
  const c = lastCellAssigning(name);
  if (!c || c.ok) return null;
  return `解答セルがエラーのため実行されていません${c.error ? ` (${c.error})` : ""}。上のエラーを直してから解答セルを実行してください`;
}
