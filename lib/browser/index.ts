// The browser face of "lecture3" (the JupyterLite site, site/): the core plus the browser platform.
let interrupts: Int32Array | null = null;
let interruptMessages = 0;
export function installBrowserPlatform(o: { post: (m: unknown) => void; baseUrl: string; interrupts: Int32Array | null }): void {
  interrupts = o.interrupts;
}
export function browserInterrupt(): void {
  interruptMessages++;
}
export function interruptCount(): number {
  return interruptMessages + (interrupts ? Atomics.load(interrupts, 0) : 0);
}
