// What the kernel knows about the cells a student ran, and about Kernel > Interrupt, as the platform reports it
// (lib/core/platform.ts; in tslab the kernel preload scripts/tslab-preload.js records them). Where nothing is
// recorded (node, jest) every function here answers "nothing known".
import { platform, type CellRecord } from "./platform";

export type { CellRecord };

/** How many times the kernel has been interrupted so far (0 outside a kernel). */
export function interruptCount(): number {
  return platform().interruptCount();
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
  const s = platform().cells();
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

/** The cell running now, or null (outside a kernel, or between cells). */
export function currentCell(): CellRecord | null {
  return platform().cells()?.current ?? null;
}
