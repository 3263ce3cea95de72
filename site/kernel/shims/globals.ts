// Globals Node has and the library reads (process.env, process.pid, Buffer, setImmediate), injected into the worker's bundle.
export const process = { env: {} as Record<string, string | undefined>, pid: 1, platform: "browser", cwd: () => "." };
export { Buffer } from "./buffer";
/** setImmediate: the next turn of the event loop (a message to itself is not clamped as nested timers are) */
const channel = new MessageChannel();
const queue: Array<() => void> = [];
channel.port1.onmessage = () => queue.shift()?.();
export function setImmediate(f: (...a: unknown[]) => void, ...args: unknown[]): number {
  queue.push(() => f(...args));
  channel.port2.postMessage(0);
  return 0;
}
