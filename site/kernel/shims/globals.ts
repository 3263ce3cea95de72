// Globals Node has and the library reads (process.env, process.pid, Buffer, setImmediate), injected into the worker's bundle.
export const process = { env: {} as Record<string, string | undefined>, pid: 1, platform: "browser", cwd: () => "." };
export { Buffer } from "./buffer";
/** setImmediate: the next turn of the event loop */
export function setImmediate(f: (...a: unknown[]) => void, ...args: unknown[]): ReturnType<typeof setTimeout> {
  return setTimeout(f, 0, ...args);
}
