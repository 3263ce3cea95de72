// Proof that an object came from the library: experiment() and fit() register what they return here.
// The exercise checkers accept a history or an experiment result only when it is registered, so a
// hand-typed `{ gap: 0.1 }` or a copy `{ ...r, gap: 0.1 }` is told apart from a real run. What is registered
// is frozen (its numbers cannot be edited afterwards), and for an experiment result the model's weights
// are fingerprinted, so a checker can tell when the model was trained further or replaced after the run.
import * as tf from "@tensorflow/tfjs";
import type { Module } from "./nn";

/** What a checker may rely on about a registered object. */
export interface Provenance {
  /** the options experiment() was called with (a shallow copy, taken when it returned) */
  setting?: Readonly<Record<string, unknown>>;
  /** sum and sum of squares of every parameter and buffer of `model`, when it returned */
  fingerprint?: number[];
}

const registry = new WeakMap<object, Provenance>();

function deepFreeze(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== "object" || seen.has(v) || ArrayBuffer.isView(v)) return;
  seen.add(v);
  // a model (or a tensor) stays usable: only plain records and arrays are frozen
  const proto = Object.getPrototypeOf(v);
  if (!(Array.isArray(v) || proto === Object.prototype || proto === null)) return;
  Object.freeze(v);
  for (const x of Object.values(v as object)) deepFreeze(x, seen);
}

function isModuleLike(v: unknown): v is Module {
  return v !== null && typeof v === "object" && typeof (v as Module).state_dict === "function";
}

/** Sum and sum of squares of every parameter and buffer, in state_dict order. */
export function fingerprint(model: Module): number[] {
  return tf.tidy(() => [...model.state_dict().values()].flatMap((t) => [tf.sum(t).dataSync()[0], tf.sum(tf.square(t)).dataSync()[0]]));
}

/**
 * Registers `obj` as made by the library and freezes its records (not the model inside). `setting`: the
 * options it was made with (experiment()'s). Returns `obj`, so that `return markGenuine(result, o)` reads.
 */
export function markGenuine<T extends object>(obj: T, setting?: object): T {
  const p: Provenance = {};
  if (setting) p.setting = Object.freeze({ ...(setting as Record<string, unknown>) });
  const model = (obj as { model?: unknown }).model;
  if (isModuleLike(model)) p.fingerprint = fingerprint(model);
  deepFreeze(obj);
  registry.set(obj, p);
  return obj;
}

/** True when `obj` itself (not a copy) was returned by experiment() or fit(). */
export function isGenuine(obj: unknown): boolean {
  return obj !== null && typeof obj === "object" && registry.has(obj);
}

/** What was registered with `obj`, or undefined. */
export function provenanceOf(obj: unknown): Provenance | undefined {
  return obj !== null && typeof obj === "object" ? registry.get(obj) : undefined;
}

/** True when the model of a registered result still has the weights it had when the run ended. */
export function sameWeights(obj: unknown): boolean {
  const p = provenanceOf(obj);
  const model = (obj as { model?: unknown } | null)?.model;
  if (!p?.fingerprint || !isModuleLike(model)) return false;
  let now: number[];
  try {
    now = fingerprint(model);
  } catch {
    return false; // disposed
  }
  return now.length === p.fingerprint.length && now.every((x, i) => x === p.fingerprint![i]);
}
