// Atomic writes: a file or folder is written under a temporary sibling name and renamed into place in one step, so
// what stands under the final name is complete or absent, never half written (a kernel killed mid-write, a full disk).
// Used by Module.save, the data cache (sources.ts) and archive unpacking (archive.ts).
import * as fs from "fs";

/** The temporary sibling a write goes to before its rename: `target.part-PID-TIME`. */
function partName(target: string): string {
  return `${target}.part-${process.pid}-${Date.now()}`;
}

/** The process id in a temporary sibling's name `name.part-PID-TIME` of `name`, or null for any other name. */
export function partOwner(entry: string, name: string): number | null {
  const m = entry.startsWith(`${name}.part-`) ? /^\.part-(\d+)-\d+$/.exec(entry.slice(name.length)) : null;
  return m === null ? null : Number(m[1]);
}

/**
 * Writes `target` atomically: `write(tmp)` fills the temporary sibling `tmp` (a file or a folder), which is then
 * renamed to `target`. If the rename fails because `target` appeared meanwhile (another process finished the same
 * write first; only a folder can be in the way), that one is kept. The temporary is removed in every case.
 * `guard` runs this helper's own file-system calls, e.g. to turn their errors into the caller's error type.
 * A `write` that returns a promise is awaited before the rename (and a promise is returned).
 */
export function writeAtomically<T>(target: string, write: (tmp: string) => T, guard: <R>(f: () => R) => R = (f) => f()): T {
  const tmp = partName(target);
  const cleanUp = () => fs.rmSync(tmp, { recursive: true, force: true });
  const rename = () =>
    guard(() => {
      try {
        fs.renameSync(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (!((code === "ENOTEMPTY" || code === "EEXIST") && fs.existsSync(target))) throw e;
      }
    });
  let result: T;
  try {
    result = write(tmp);
    if (!(result instanceof Promise)) rename();
  } catch (e) {
    cleanUp();
    throw e;
  }
  if (result instanceof Promise) {
    return result.then((r) => (rename(), r)).finally(cleanUp) as T;
  }
  cleanUp();
  return result;
}
