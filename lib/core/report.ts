// Numbers a notebook reports for its tests and its prose, machine-readable and out of the reader's way.
//   report({ test_acc: 0.9864, best_epoch: 7 });
// In a notebook this sends one display output whose data is
//   { "application/vnd.lecture3.report+json": { test_acc: 0.9864, best_epoch: 7 }, "text/plain": "" }
// JupyterLab has no renderer for that MIME type, so it falls back to the empty text/plain: the output area
// stays empty (no text, no prompt number, since tslab does not number outputs). The saved notebook keeps
// the JSON, which test/notebooks/checks.js reads instead of parsing sentences. Outside a notebook (node,
// jest) nothing is printed; every call is also kept in memory (reported()).
import { inNotebook, show } from "./display";

export const REPORT_MIME = "application/vnd.lecture3.report+json";

export type ReportValue = number | string | boolean | null | ReportValue[] | { [key: string]: ReportValue };
export type Report = Record<string, ReportValue>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const log: Report = {};

function checkValue(path: string, v: unknown): void {
  if (v === null || typeof v === "string" || typeof v === "boolean") return;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`report: ${path} は有限の数ではありません (${v}) / ${path} is not a finite number`);
    return;
  }
  if (Array.isArray(v)) return v.forEach((x, i) => checkValue(`${path}[${i}]`, x));
  if (typeof v === "object") return Object.entries(v as object).forEach(([k, x]) => checkValue(`${path}.${k}`, x));
  throw new Error(`report: ${path} は数・文字列・真偽値・配列・オブジェクトのどれかにしてください (今は ${typeof v}) / ${path} must be JSON data`);
}

/**
 * Reports named values (numbers as computed, not rounded) for the notebook's checks.
 * Names are identifiers (letters, digits, _). Re-running a cell reports again; the latest value counts.
 * (The notebook checks require each name to appear in one output only.)
 */
export function report(values: Report): void {
  if (values === null || typeof values !== "object" || Array.isArray(values)) {
    throw new Error("report: { 名前: 値, ... } の形で渡してください / pass an object { name: value, ... }");
  }
  const entries = Object.entries(values);
  if (entries.length === 0) throw new Error("report: 値が 1 つもありません / nothing to report");
  for (const [k, v] of entries) {
    if (!KEY.test(k)) throw new Error(`report: 名前 "${k}" は英字・数字・_ だけにしてください / names are identifiers`);
    checkValue(k, v);
  }
  // JSON round trip: what the checks will read is exactly what is kept here
  const clean = JSON.parse(JSON.stringify(values)) as Report;
  Object.assign(log, clean);
  if (inNotebook()) show({ [REPORT_MIME]: clean, "text/plain": "" });
}

/** Everything reported so far in this process (later values of a name replace earlier ones). */
export function reported(): Report {
  return { ...log };
}

/** Forgets what was reported (tests). */
export function clearReported(): void {
  for (const k of Object.keys(log)) delete log[k];
}
