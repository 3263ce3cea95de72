// The browser face of "lecture3": what a notebook imports in the JupyterLite site (site/, docs/site.md). As the node
// face (lib/index.ts) it is the core (lib/core/index.ts) plus what depends on where it runs: here the data sets
// (MNIST, Fashion-MNIST, CIFAR-10's JPEG copy), the ants/bees photos and MobileNet's weights come from the site's
// own folder, the displays go to the kernel's page (platform.ts), the backend is WebGL, else WebAssembly, else cpu.
// What the site lacks (ImageFolder on a folder of the student's disk, reading image files) keeps its name here, and
// using it says so in Japanese (missing.ts) instead of "undefined is not a function".
import * as photos from "../core/data/images";
import { CIFAR10, FashionMNIST, Hymenoptera, MNIST } from "./data";
import { missingFunction, partOfModule } from "./missing";
import * as net from "./mobilenet";

export * from "../core";

export const datasets = {
  MNIST,
  FashionMNIST,
  ImageFolder: missingFunction("datasets.ImageFolder"),
  CIFAR10,
  Hymenoptera,
  root: "datasets",
};
/** photos: the core's part of the node face's images (resize/crop, flips, normalizations, photo grids, JPEG decoding) */
export const images = partOfModule("images", { ...photos, decoderName: () => "JavaScript (jpeg-js)" });
/** MobileNet v1 with ImageNet weights from the site's files: load, untrained, top-k, features, the top-5 rows */
export const mobilenet = partOfModule("mobilenet", { ...net });
export { useBackend } from "./backend";
export { installBrowserPlatform, type KernelRecord } from "./platform";
