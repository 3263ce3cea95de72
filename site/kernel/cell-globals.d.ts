// What a notebook cell sees in the site's kernel besides ES2022, "lecture3" and "@tensorflow/tfjs": the type check of
// each cell (site/kernel/typecheck.ts) reads this file from the type bundle (scripts/site-types.js). It says what the
// worker has (site/kernel/worker.ts): console, timers, performance, TextEncoder/TextDecoder, and the "fs" calls a
// notebook uses on the browser's files. Node's other modules are declared without types: importing them passes the
// check and fails when the cell runs, with the worker's Japanese message (use lecture3's save/load instead).
interface Console {
  log(...data: any[]): void;
  info(...data: any[]): void;
  debug(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
  table(data: any, columns?: string[]): void;
  time(label?: string): void;
  timeEnd(label?: string): void;
  assert(condition?: boolean, ...data: any[]): void;
}
declare var console: Console;
declare function setTimeout(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function setInterval(handler: (...args: any[]) => void, timeout?: number, ...args: any[]): number;
declare function clearInterval(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
declare var performance: { now(): number };
declare class TextEncoder { encode(input?: string): Uint8Array; }
declare class TextDecoder { constructor(label?: string); decode(input?: ArrayBufferView | ArrayBuffer): string; }

declare module "fs" {
  export function existsSync(path: string): boolean;
  export function readFileSync(path: string): Uint8Array;
  export function readFileSync(path: string, options: string | { encoding: string }): string;
  export function writeFileSync(path: string, data: string | Uint8Array): void;
  export function mkdirSync(path: string, options?: { recursive?: boolean }): void;
}
declare module "node:fs" {
  export * from "fs";
}
declare module "path";
declare module "node:path";
declare module "os";
declare module "child_process";
