// Shared by the tests: the backend every numeric test runs on, and the mirror folder the data tests read.
import * as fs from "fs";
import * as path from "path";
import { useBackend } from "../lib/node/backend";
import { MIRROR_ENV, mirrorFolders } from "../lib/node/data/sources";

export async function backend(): Promise<void> {
  await useBackend(process.env.TFJS_BACKEND ?? "tensorflow", { print: false });
}

const REMEDY =
  `Set ${MIRROR_ENV} to the folder that holds the data files (a ':'-separated list is allowed): CI uses the shared/datasets ` +
  `folder next to the clone (.ci/run); elsewhere copy the files datasets/README.md lists, e.g. export ${MIRROR_ENV}=/path/to/datasets`;

/** $LECTURE3_DATA_MIRROR, for the tests that read the real data files; throws saying what to set when it is not set. */
export function dataMirror(): string {
  const list = process.env[MIRROR_ENV] ?? "";
  if (mirrorFolders(list).length === 0) throw new Error(`this test reads real data files from the mirror folder, and ${MIRROR_ENV} is not set. ${REMEDY}`);
  return list;
}

/** `rel` ("mnist/t10k-labels-idx1-ubyte.gz", "mobilenet_v1_0.25_224") in the first mirror folder holding it; throws with the remedy when none does. */
export function mirrorPath(rel: string): string {
  const list = dataMirror();
  const found = mirrorFolders(list)
    .map((m) => path.join(m, rel))
    .find((p) => fs.existsSync(p));
  if (found === undefined) throw new Error(`${rel} is not in the mirror (${MIRROR_ENV}=${list}), and this test needs the real file. ${REMEDY}`);
  return found;
}

/** Runs f with console.log silenced (experiment() and the checkers print), restoring it afterwards. */
export async function silently<T>(f: () => Promise<T>): Promise<T> {
  const spy = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    return await f();
  } finally {
    spy.mockRestore();
  }
}
