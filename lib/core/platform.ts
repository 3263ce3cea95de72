// What the core needs from the place it runs in, and nothing else. The core (lib/core/) is pure TensorFlow.js and
// runs in Node and in a browser alike; output to the notebook, the kernel's state and files differ between the two.
// lib/node/platform.ts installs the Node + tslab platform when "lecture3" loads; a browser edition installs its own.
// Until one is installed, the default below prints text and knows no kernel.

export type MimeBundle = Record<string, unknown>;

/** Where a display message goes: `id` names an output that later messages with `update` true replace in place. */
export interface DisplayPlace {
  id?: string;
  update: boolean;
}

/** Sends one display message. */
export type Output = (data: MimeBundle, place: DisplayPlace) => void;

/** One executed cell, as the kernel records it. */
export interface CellRecord {
  /** 1, 2, 3, ... in the order the kernel ran them */
  n: number;
  code: string;
  /** true: ran to the end; false: did not compile or threw; null: still running */
  ok: boolean | null;
  /** the first line of the compile or run-time error */
  error?: string;
}

export interface Platform {
  /** "node", "browser", "text" (the default): named in error messages */
  name: string;
  /**
   * Where display output goes now: a function bound to the cell that is running, or null outside a notebook.
   * A live output (the progress line, a live curve) asks once, when it is made, and keeps the function: its later
   * updates stay in the cell that started it even when the kernel has moved on to other cells.
   */
  output(): Output | null;
  /** How many times the kernel was interrupted so far; 0 where there is no kernel. Loops stop when it changes. */
  interruptCount(): number;
  /** The cells run so far (oldest first) and the one running now, or null where nothing records them. */
  cells(): { cells: CellRecord[]; current: CellRecord | null } | null;
  /** True while nbgrader grades this run: then a check that is not ✔ throws, so that its cell scores 0. */
  autograding(): boolean;
  /** The bytes of a file. Throws when it does not exist. */
  readFile?(name: string): Uint8Array;
  /** Writes a file so that it is never seen half written. */
  writeFile?(name: string, bytes: Uint8Array): void;
  /** A PNG file of `pixels` (height × width × channels bytes, row after row). */
  encodePng?(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Uint8Array;
  /** Decompressed gzip data; throws on broken data. */
  gunzip?(bytes: Uint8Array): Uint8Array;
}

const TEXT_ONLY: Platform = {
  name: "text",
  output: () => null,
  interruptCount: () => 0,
  cells: () => null,
  autograding: () => false,
};

let current: Platform = TEXT_ONLY;

/** The installed platform (the text-only default until one is installed). */
export function platform(): Platform {
  return current;
}

/** Installs `p`; returns the platform it replaces. */
export function setPlatform(p: Platform): Platform {
  const before = current;
  current = p;
  return before;
}

/** The platform's optional `what`, or an error that says where it is missing. */
export function needs<K extends "readFile" | "writeFile" | "encodePng" | "gunzip">(what: K, task: string): NonNullable<Platform[K]> {
  const f = current[what];
  if (typeof f !== "function") {
    throw new Error(`${task}ができません: この環境 (${current.name}) には ${what} がありません。JupyterLab の TypeScript カーネル (Node) で実行してください`);
  }
  return f.bind(current) as NonNullable<Platform[K]>;
}
