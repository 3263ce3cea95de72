// What the kernel knows about the cells a student ran, as the platform reports it (lib/core/platform.ts; in tslab the
// kernel preload scripts/tslab-preload.js records them), for the checkers. Where nothing is recorded (node, jest)
// every function here answers "nothing known". Kernel > Interrupt: interrupt.ts; the cell running now: ownership.ts.
import { platform, type CellRecord } from "./platform";

export type { CellRecord };

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
