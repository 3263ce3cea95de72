// What every checker shares: running a check safely, printing its one line, and small
// helpers that look at a student's answer without ever crashing on it.
import type { Module } from "../nn";

export type CheckStatus = "correct" | "wrong" | "unanswered";

export interface CheckResult {
  exercise: number;
  status: CheckStatus;
  /** The line that was printed, e.g. "演習1: ✔ 正解 …". */
  message: string;
}

/** Thrown by a checker (through fail()) to stop with a hint for the student. */
export class Hint extends Error {}

/** Stops the check: the answer is wrong, and `hint` says what to fix. */
export function fail(hint: string): never {
  throw new Hint(hint);
}

const results = new Map<number, CheckResult>();

/**
 * Runs one checker. `body` looks at the answer and either returns a short comment (✔) or calls
 * fail(hint) (✘). An untouched answer is 未解答; any other exception becomes ✘, never a crash.
 */
export function runCheck(exercise: number, answer: unknown, where: string, body: () => string): CheckResult {
  let status: CheckStatus;
  let text: string;
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
  const result: CheckResult = { exercise, status, message: `演習${exercise}: ${text}` };
  results.set(exercise, result);
  console.log(result.message);
  return result;
}

/** One line with every exercise checked so far, e.g. "演習1 ✔ | 演習2 未解答". */
export function summary(): CheckResult[] {
  const list = [...results.values()].sort((a, b) => a.exercise - b.exercise);
  const mark = { correct: "✔", wrong: "✘", unanswered: "未解答" };
  const right = list.filter((r) => r.status === "correct").length;
  console.log(
    list.length === 0
      ? "まだどの演習も確認していません"
      : `${list.map((r) => `演習${r.exercise} ${mark[r.status]}`).join(" | ")}  (${right}/${list.length} 正解)`,
  );
  return list;
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
  return v !== null && typeof v === "object" && typeof (v as Module).namedChildren === "function" && typeof (v as Module).numParameters === "function";
}

/** The module and all modules inside it. */
export function allModules(m: Module): Module[] {
  return [m, ...m.namedChildren().flatMap(([, k]) => allModules(k))];
}

/** A short description of a value for a hint: 「NaN」「文字列 "abc"」「形 [2, 3] の tf.Tensor」. */
export function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `文字列 "${v.length > 20 ? v.slice(0, 20) + "…" : v}"`;
  if (typeof v === "function") return "関数";
  if (isTensor(v)) return `形 [${v.shape.join(", ")}] の tf.Tensor`;
  if (Array.isArray(v)) return `長さ ${v.length} の配列`;
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

/** Tensors and typed arrays → plain nested arrays; anything else unchanged. */
export function toNested(v: unknown): unknown {
  if (isTensor(v)) return v.arraySync();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(toNested);
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
