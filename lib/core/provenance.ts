// Proof that an object came from the library: experiment() and fit() register what they return here (through
// hooks.ts, where this file installs itself as it loads: "lecture3" loads it with the exercise checkers).
// The returned object stays plain data that the student may change (`history.epochs.push(...)` works); what a
// checker needs is kept here, out of the student's reach, in a WeakMap keyed by that object:
//   - a digest of its numbers and names when it was returned, so a checker can tell an edited result
//     (`r.gap = 0.1`) from the one the run produced, and a hand-typed `{ gap: 0.1 }` or a copy `{ ...r }`
//     (not registered at all) from a real run;
//   - the options experiment() was called with;
//   - a fingerprint of the model's weights, so a checker can tell when the model was trained further or replaced.
import * as tf from "@tensorflow/tfjs";
import type { Module } from "./module";
import { installResults } from "./hooks";

/** What a checker may rely on about a registered object. */
export interface Provenance {
  /** the options experiment() was called with (a shallow copy, taken when it returned) */
  setting?: Readonly<Record<string, unknown>>;
  /** sum and sum of squares of every parameter and buffer of `model`, when it returned */
  fingerprint?: number[];
  /** digest(obj) when it was returned */
  digest: string;
}

const registry = new WeakMap<object, Provenance>();

function isModuleLike(v: unknown): v is Module {
  return v !== null && typeof v === "object" && typeof (v as Module).state_dict === "function";
}

/**
 * The plain data of `obj` as one string: numbers (NaN and ±Infinity included), strings, booleans, arrays and plain
 * records, in key order. A model is left out (its weights have the fingerprint), and so is anything else that is
 * not plain data.
 */
export function digest(obj: unknown): string {
  const seen = new Set<unknown>();
  const walk = (v: unknown): string => {
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : `"${v}"`;
    if (typeof v === "string" || typeof v === "boolean" || v === null || v === undefined) return JSON.stringify(v ?? null);
    if (typeof v !== "object" || seen.has(v)) return "?";
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) {
      seen.add(v);
      return `[${v.map(walk).join(",")}]`;
    }
    if (proto !== Object.prototype && proto !== null) return "?";
    seen.add(v);
    const keys = Object.keys(v).filter((k) => !isModuleLike((v as Record<string, unknown>)[k])).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${walk((v as Record<string, unknown>)[k])}`).join(",")}}`;
  };
  return walk(obj);
}

/** Sum and sum of squares of every parameter and buffer, in state_dict order. */
export function fingerprint(model: Module): number[] {
  return tf.tidy(() => [...model.state_dict().values()].flatMap((t) => [tf.sum(t).dataSync()[0], tf.sum(tf.square(t)).dataSync()[0]]));
}

/**
 * Registers `obj` as made by the library (nothing is frozen). `setting`: the options it was made with
 * (experiment()'s). Returns `obj`, so that `return markGenuine(result, options)` reads.
 */
export function markGenuine<T extends object>(obj: T, setting?: object): T {
  const p: Provenance = { digest: digest(obj) };
  if (setting) p.setting = Object.freeze({ ...(setting as Record<string, unknown>) });
  const model = (obj as { model?: unknown }).model;
  if (isModuleLike(model)) p.fingerprint = fingerprint(model);
  registry.set(obj, p);
  return obj;
}

// fit() and experiment() register what they return through hooks.ts
installResults(markGenuine);

/** True when `obj` itself (not a copy) was returned by experiment() or fit(), whether edited since or not. */
export function isGenuine(obj: unknown): boolean {
  return obj !== null && typeof obj === "object" && registry.has(obj);
}

/** True when a registered `obj` still holds the numbers and names it was returned with. */
export function unedited(obj: unknown): boolean {
  const p = provenanceOf(obj);
  return p !== undefined && p.digest === digest(obj);
}

/** What was registered with `obj`, or undefined. */
export function provenanceOf(obj: unknown): Provenance | undefined {
  return obj !== null && typeof obj === "object" ? registry.get(obj) : undefined;
}

/**
 * Whether the model of a registered result still has the weights it had when the run ended: "same", "changed",
 * or "disposed" (its weights were freed). Any other error while reading the weights is thrown, not taken for a change.
 */
export function weightsState(obj: unknown): "same" | "changed" | "disposed" {
  const p = provenanceOf(obj);
  const model = (obj as { model?: unknown } | null)?.model;
  if (!p?.fingerprint || !isModuleLike(model)) return "changed";
  if ([...model.state_dict().values()].some((v) => v.isDisposed)) return "disposed";
  const now = fingerprint(model);
  return now.length === p.fingerprint.length && now.every((x, i) => x === p.fingerprint![i]) ? "same" : "changed";
}
