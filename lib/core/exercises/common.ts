// What every checker shares: running a check safely, printing its one line, and small
// helpers that look at a student's answer without ever crashing on it.
import { answerCellProblem } from "../kernel";
import type { Module } from "../nn";

export type CheckStatus = "correct" | "wrong" | "unanswered" | "error";

export interface CheckResult {
  exercise: number;
  /** correct ✔, wrong ✘, unanswered 未解答, error: the answer cell did not run (not graded) */
  status: CheckStatus;
  /** The line that was printed, e.g. "演習1: ✔ 正解 …". */
  message: string;
}

/** The exercises of 04_mnist_conv, for check.summary(). */
export const EXERCISES = [1, 2, 3, 4, 5, 6, 7, 8];

/** Thrown by a checker (through fail()) to stop with a hint for the student. */
export class Hint extends Error {}

/** Stops the check: the answer is wrong, and `hint` says what to fix. */
export function fail(hint: string): never {
  throw new Hint(hint);
}

const latest = new Map<number, CheckResult>();

/**
 * Under scripts/grade_verify.py the kernel preload (scripts/tslab-preload.js) loads this module before any cell runs
 * and hands it, once, the grading mode read at kernel start and a function that emits each verdict as a record signed
 * with that run's key. A copy of this module loaded later (a cell that empties require's cache) gets neither: its
 * verdicts are unsigned and score 0. Elsewhere (JupyterLab, jest) there is nothing to take and NBGRADER_EXECUTION
 * decides, as before.
 */
interface Grading {
  mode: string;
  verdict(exercise: number, status: CheckStatus): void;
}
const grading: Grading | null = (() => {
  const take = (globalThis as { __lecture3_grading?: () => Grading | null }).__lecture3_grading;
  return typeof take === "function" ? take() : null;
})();
const autograding = (): boolean => (grading ? grading.mode !== "" : !!process.env.NBGRADER_EXECUTION);

/**
 * Runs one checker and prints its one line. `body` looks at the answer and either returns a short comment
 * (✔) or calls fail(hint) (✘). An untouched answer is 未解答; any other exception becomes ✘, never a crash.
 * When the kernel knows that the latest cell assigning `ex<N>` failed to compile or threw, nothing is graded
 * (the variable would hold an older answer) and the line says so.
 * Returns nothing, so that a check cell shows only that line; check.results() has every result.
 * Under nbgrader's autograding (it sets NBGRADER_EXECUTION; read at kernel start when graded by grade_verify.py) a
 * check that is not ✔ then throws, so that nbgrader scores its cell 0; in JupyterLab it never throws. When graded,
 * the verdict also leaves as a signed record, and only a signed ✔ keeps its point (docs/grading.md).
 */
export function runCheck(exercise: number, answer: unknown, where: string, body: () => string): void {
  let status: CheckStatus;
  let text: string;
  let problem: string | null = null;
  try {
    problem = answerCellProblem(`ex${exercise}`);
  } catch {
    problem = null;
  }
  if (problem) {
    status = "error";
    text = problem;
  } else {
    try {
      if (isBlank(answer)) {
        status = "unanswered";
        text = `未解答 (${where} に答えを書いてください)`;
      } else {
        const comment = body();
        status = "correct";
        text = `✔ 正解${comment ? " " + comment : ""}`;
      }
    } catch (e) {
      status = "wrong";
      text = e instanceof Hint ? `✘ ${e.message}` : `✘ 答えを確認できませんでした (${errorText(e)})。答えの形を見直してください`;
    }
  }
  const result: CheckResult = { exercise, status, message: `演習${exercise}: ${text}` };
  latest.set(exercise, result);
  grading?.verdict(exercise, status);
  console.log(result.message);
  if (autograding() && status !== "correct") {
    const e = new Error(`演習${exercise} は ✔ ではないので 0 点です (nbgrader の自動採点)`);
    e.name = "CheckFailed"; // the kernel shows it as one line (scripts/tslab-preload.js)
    throw e;
  }
}

/** The latest result of every exercise checked so far, in exercise order (check.results()). */
export function results(): CheckResult[] {
  return [...latest.values()].sort((a, b) => a.exercise - b.exercise);
}

/** The latest result of exercise n, or undefined when it was not checked yet (check.result(3)). */
export function result(n: number): CheckResult | undefined {
  return latest.get(n);
}

/** Forgets every result (tests). */
export function resetResults(): void {
  latest.clear();
}

const MARK: Record<CheckStatus | "none", string> = { correct: "✔ 正解", wrong: "✘ 不正解", unanswered: "未解答", error: "エラー", none: "未実行" };

/** Columns a string takes in a terminal-like font (CJK characters take two). */
function width(s: string): number {
  return [...s].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
}

/** The short message of a result for the summary table: the line without its 演習N: and mark, cut to `max`. */
function short(r: CheckResult, max = 48): string {
  const t = r.message.replace(/^演習\d+: /, "").replace(/^(✔ 正解|✘|未解答) ?/, "").replace(/^\((.*)\)$/, "$1").trim();
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}

/**
 * Prints one table: every exercise 1〜8 with its status (✔ 正解 / ✘ 不正解 / 未解答 / エラー / 未実行 = its check
 * cell was not run) and a short message, then "(k/8 正解)". Returns nothing (check.results() has the results).
 */
export function summary(): void {
  const rows = EXERCISES.map((n) => {
    const r = latest.get(n);
    const status = MARK[r ? r.status : "none"];
    return `演習${n}  ${status}${" ".repeat(Math.max(0, 8 - width(status)))}  ${r ? short(r) : "確認セルをまだ実行していません"}`;
  });
  const right = EXERCISES.filter((n) => latest.get(n)?.status === "correct").length;
  console.log(["演習の結果", ...rows, `(${right}/${EXERCISES.length} 正解)`].join("\n"));
}

function errorText(e: unknown): string {
  try {
    return String(e instanceof Error ? e.message : e).split("\n")[0].slice(0, 200);
  } catch {
    return "不明なエラー";
  }
}

// ---- looking at answers --------------------------------------------------------------------

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Not answered yet: undefined, null, [], or an object/array whose entries are all blank (the template). */
export function isBlank(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.every(isBlank);
  if (isPlainObject(v)) return Object.values(v).every(isBlank);
  return false;
}

export function isTensor(v: unknown): v is { shape: number[]; arraySync(): unknown } {
  return v !== null && typeof v === "object" && Array.isArray((v as { shape?: unknown }).shape) && typeof (v as { arraySync?: unknown }).arraySync === "function";
}

export function isModule(v: unknown): v is Module {
  return v !== null && typeof v === "object" && typeof (v as Module).named_children === "function" && typeof (v as Module).numParameters === "function";
}

/** The module and all modules inside it. */
export function allModules(m: Module): Module[] {
  return [m, ...m.named_children().flatMap(([, k]) => allModules(k))];
}

/** A short description of a value for a hint: 「NaN」「文字列 "abc"」「形 [2, 3] の tf.Tensor」. */
export function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `文字列 "${v.length > 20 ? v.slice(0, 20) + "…" : v}"`;
  if (typeof v === "function") return "関数";
  if (isTensor(v)) return `${isDisposed(v) ? "dispose() 済みの" : `形 [${v.shape.join(", ")}] の`} tf.Tensor`;
  if (Array.isArray(v)) {
    const s = v.some(isDisposed) ? null : shapeOf(toNested(v));
    return s && s.length >= 2 ? `${s.join("×")} の配列` : `長さ ${v.length} の配列`;
  }
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}`;
  if (isModule(v)) return `モデル ${v.constructor.name}`;
  return typeof v === "object" ? "オブジェクト" : typeof v;
}

/** The answer as an object with fields, or a hint showing the expected form. */
export function asObject(v: unknown, form: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || isTensor(v) || isModule(v) || ArrayBuffer.isView(v)) {
    fail(`答えは ${form} の形のオブジェクトで書いてください (今は ${describe(v)})`);
  }
  return v as Record<string, unknown>;
}

/** A finite number, or a hint naming the field. */
export function asNumber(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(`${name} は数で書いてください (今は ${describe(v)})`);
  return v;
}

/** An accuracy as a fraction in (0, 1]; percentages get their own hint. */
export function asFraction(v: unknown, name: string): number {
  const x = asNumber(v, name);
  if (x > 1 && x <= 100) fail(`${name} は百分率ではなく割合(0〜1)で書いてください (${x} → ${x / 100})`);
  if (!(x > 0 && x <= 1)) fail(`${name} は 0 より大きく 1 以下の割合で書いてください (今は ${x})`);
  return x;
}

const isDisposed = (v: unknown) => isTensor(v) && (v as { isDisposed?: boolean }).isDisposed === true;

/**
 * Tensors and typed arrays → plain nested arrays; anything else unchanged. A disposed tensor (its values are gone)
 * is a hint naming `name`, the field it was found in.
 */
export function toNested(v: unknown, name = "答え"): unknown {
  if (isDisposed(v)) fail(`${name} の tf.Tensor は dispose() 済みで、値を読めません。dispose() する前に値を取り出すか、もう一度計算してください`);
  if (isTensor(v)) return v.arraySync();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map((x) => toNested(x, name));
  return v;
}

/** The shape of a rectangular nested array of finite numbers, else null. */
export function shapeOf(v: unknown): number[] | null {
  if (typeof v === "number") return Number.isFinite(v) ? [] : null;
  if (!Array.isArray(v) || v.length === 0) return null;
  const inner = v.map(shapeOf);
  const first = inner[0];
  if (first === null || inner.some((s) => s === null || s.join() !== first.join())) return null;
  return [v.length, ...first];
}

/** All numbers of a nested array, in order. */
export function flatten(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flatten) : [v as number];
}

/** Same shape and every number within `tol`. */
export function allClose(a: unknown, b: unknown, tol: number): boolean {
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (!sa || !sb || sa.join() !== sb.join()) return false;
  const fa = flatten(a);
  const fb = flatten(b);
  return fa.every((x, i) => Math.abs(x - fb[i]) <= tol);
}

export const sameShape = (a: number[] | null, b: number[]) => a !== null && a.join() === b.join();

/** "[26, 26, 32]" */
export const fmtShape = (s: number[]) => `[${s.join(", ")}]`;
