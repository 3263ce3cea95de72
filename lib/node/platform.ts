// The platform of the core (lib/core/platform.ts) in Node and the tslab kernel: display messages through tslab,
// what the kernel preload (scripts/tslab-preload.js) records about cells and interrupts, files, PNG and gzip.
// Installed when this module loads; lib/index.ts ("lecture3") loads it first.
import * as fs from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import { setPlatform, type CellRecord, type Output, type Platform } from "../core/platform";
import { writeAtomically } from "./files";
import { encodePng } from "./png";

interface KernelState {
  interrupts: number;
  cells: CellRecord[];
  current: CellRecord | null;
}

/** What the kernel preload records in globalThis.__lecture3_kernel, or null outside a tslab kernel. */
function kernelState(): KernelState | null {
  const s = (globalThis as { __lecture3_kernel?: KernelState }).__lecture3_kernel;
  return s && typeof s.interrupts === "number" && Array.isArray(s.cells) ? s : null;
}

type WriteDisplayData = (msg: unknown, update: boolean) => void;

/**
 * The running cell's output: tslab sets jupyter.lastWriteDisplayData to the display writer of each execute request
 * as the cell starts (and keeps it after the cell ended); it is null in plain node.
 */
function cellOutput(): Output | null {
  let jupyter: { lastWriteDisplayData?: WriteDisplayData | null };
  try {
    jupyter = require("tslab/dist/jupyter");
  } catch {
    return null;
  }
  const write = jupyter.lastWriteDisplayData;
  if (typeof write !== "function") return null;
  return (data, { id, update }) => write({ data, metadata: {}, transient: id ? { display_id: id } : {} }, update);
}

export const nodePlatform: Platform = {
  name: "node",
  output: cellOutput,
  interruptCount: () => kernelState()?.interrupts ?? 0,
  cells: () => kernelState(),
  autograding: () => !!process.env.NBGRADER_EXECUTION,
  readFile: (name) => fs.readFileSync(name),
  writeFile: (name, bytes) => {
    fs.mkdirSync(path.dirname(path.resolve(name)), { recursive: true });
    writeAtomically(name, (tmp) => fs.writeFileSync(tmp, bytes));
  },
  encodePng: (pixels, width, height, channels) => encodePng(pixels, width, height, channels),
  gunzip: (bytes) => gunzipSync(bytes),
};

setPlatform(nodePlatform);
