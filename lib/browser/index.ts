// The browser face of "lecture3": what a notebook imports in the JupyterLite site (site/, docs/site.md). The same
// names as the node face (lib/index.ts) where the browser has them; the data sets come from the site's own folder,
// the displays go to the kernel's page (platform.ts), the backend is WebGL, else WebAssembly, else cpu.
import * as tf from "@tensorflow/tfjs";
import * as F from "../core/functional";
import * as nn from "../core/nn";
import * as optim from "../core/optim";
import * as transforms from "../core/data/transforms";
import { MNIST } from "./data";

export const datasets = { MNIST, root: "datasets" };
export { transforms };
export { DataLoader } from "../core/data/loader";
export { ImageDataset } from "../core/data/dataset";
export type { Augment } from "../core/data/dataset";
export { shiftImage, rotateImage, randomShiftRotate, shiftedCopy } from "../core/data/augment";
export { nn, F };
export { Module } from "../core/nn";
export { Net, ConvNet } from "../core/models";
export { Residual, gradNorms } from "../core/layers";
export { vgg16, googlenet, resnet34, Inception } from "../core/architectures";
export { optim };
export { manualSeed, Random } from "../core/random";
export { trainStep, trainEpoch, evaluate, predict, fit, EarlyStopping, l2Penalty } from "../core/train";
export { experiment, showExperiments } from "../core/experiment";
export type { ExperimentResult } from "../core/experiment";
export { topk, topkAccuracy } from "../core/metrics";
export * as plot from "../core/plot";
export { check } from "../core/exercises";
export { report } from "../core/report";
export { useBackend } from "./backend";
export { installBrowserPlatform } from "./platform";
export { tf };
