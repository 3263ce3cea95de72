// The browser face of "lecture3": what a notebook imports in the JupyterLite site (site/, docs/site.md). As the node
// face (lib/index.ts) it is the core (lib/core/index.ts) plus what depends on where it runs: here the data sets come
// from the site's own folder, the displays go to the kernel's page (platform.ts), the backend is WebGL, else
// WebAssembly, else cpu. The node face's photos, other data sets and MobileNet (01, 03, 06, 07) are not in the
// site yet: their names are here, and using one says so in Japanese instead of "undefined is not a function".
import { MNIST } from "./data";

export * from "../core";

/** A name of the node face the site lacks: any use of it throws a Japanese message naming it. */
function notInSite(name: string): never {
  throw new Error(`${name} はブラウザ版 (サイト) にはまだありません。このノートブックはローカル版 (npm run lab) で実行してください。ブラウザ版で動くノートブックは docs/site.md にあります。`);
}
const missingFunction = (name: string) => async (..._args: unknown[]): Promise<never> => notInSite(name);
/** A module of the node face (images, mobilenet) as an object whose every member says it is missing. */
const missingModule = (name: string): Record<string, never> =>
  new Proxy({}, { get: (_, key) => (typeof key === "symbol" || key === "then" ? undefined : notInSite(`${name}.${key}`)) });

export const datasets = {
  MNIST,
  FashionMNIST: missingFunction("datasets.FashionMNIST"),
  ImageFolder: missingFunction("datasets.ImageFolder"),
  CIFAR10: missingFunction("datasets.CIFAR10"),
  Hymenoptera: missingFunction("datasets.Hymenoptera"),
  root: "datasets",
};
export const images = missingModule("images");
export const mobilenet = missingModule("mobilenet");
export { useBackend } from "./backend";
export { installBrowserPlatform, type KernelRecord } from "./platform";
