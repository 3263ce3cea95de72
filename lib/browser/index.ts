// The browser face of "lecture3": what a notebook imports in the JupyterLite site (site/, docs/site.md). As the node
// face (lib/index.ts) it is the core (lib/core/index.ts) plus what depends on where it runs: here the data sets come
// from the site's own folder, the displays go to the kernel's page (platform.ts), the backend is WebGL, else
// WebAssembly, else cpu.
import { MNIST } from "./data";

export * from "../core";

export const datasets = { MNIST, root: "datasets" };
export { useBackend } from "./backend";
export { installBrowserPlatform, type KernelRecord } from "./platform";
