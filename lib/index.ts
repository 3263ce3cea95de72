// The lecture's helper library, as notebooks import it: import { datasets, DataLoader, nn, fit } from "lecture3".
// It is the core (lib/core/index.ts: pure TensorFlow.js) plus what needs Node: data sets from files, photos,
// MobileNet, the backend; and it installs the Node + tslab platform (lib/node/platform.ts) before anything runs.
// Other names stay in their modules (tests and scripts import those from there, e.g. "../lib/node/data/sources").
// lib/README.md: the files of the library, what depends on what, and how to add a notebook, data set, model or checker.
import "./node/platform";
import { MNIST } from "./node/data/mnist";
import { FashionMNIST } from "./node/data/fashion-mnist";
import { ImageFolder } from "./node/data/images";
import { CIFAR10 } from "./node/data/cifar10";
import { Hymenoptera } from "./node/data/hymenoptera";
import { datasetsRoot } from "./node/paths";

export * from "./core";

// ---- data sets from files (torchvision.datasets)
/** datasets.MNIST(...); datasets.root is the project's data cache (datasets/), the default `root` of every data set. */
export const datasets = { MNIST, FashionMNIST, ImageFolder, CIFAR10, Hymenoptera, root: datasetsRoot() };
/** photos: decoding, resize/crop, flips, ImageNet and MobileNet normalization, photo grids */
export * as images from "./node/data/images";
/** MobileNet v1 with ImageNet weights: load, top-k, features for transfer learning */
export * as mobilenet from "./node/mobilenet";

// ---- backend
export { useBackend } from "./node/backend";
