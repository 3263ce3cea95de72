// The lecture's helper library, as notebooks import it: import { datasets, DataLoader, nn, fit } from "lecture3".
// What is here is what the notebooks use and what a student needs to write the same things again; every other
// name stays in its module (tests and scripts import those from there, e.g. "../lib/data/sources").
// lib/README.md: the files of the library, what depends on what, and how to add a notebook, data set, model or checker.
import * as tf from "@tensorflow/tfjs";
import * as F from "./core/functional";
import * as nn from "./core/nn";
import * as optim from "./core/optim";
import * as transforms from "./core/data/transforms";
import { MNIST } from "./node/data/mnist";
import { FashionMNIST } from "./node/data/fashion-mnist";
import { ImageFolder } from "./node/data/images";
import { CIFAR10 } from "./node/data/cifar10";
import { Hymenoptera } from "./node/data/hymenoptera";
import { datasetsRoot } from "./node/paths";

// ---- data: data sets, transforms, mini-batches, augmentation (torchvision.datasets, transforms, DataLoader)
/** datasets.MNIST(...); datasets.root is the project's data cache (datasets/), the default `root` of every data set. */
export const datasets = { MNIST, FashionMNIST, ImageFolder, CIFAR10, Hymenoptera, root: datasetsRoot() };
export { transforms };
export { DataLoader } from "./core/data/loader";
export { ImageDataset } from "./core/data/dataset";
export type { Augment } from "./core/data/dataset";
export { shiftImage, rotateImage, randomShiftRotate, shiftedCopy } from "./core/data/augment";
/** photos: decoding, resize/crop, flips, ImageNet and MobileNet normalization, photo grids */
export * as images from "./node/data/images";

// ---- models and layers (torch.nn, torch.nn.functional, torchvision.models)
export { nn, F };
export { Module } from "./core/nn";
export { Net, ConvNet } from "./core/models";
export { Tanh, Sigmoid, LogSoftmax, AvgPool2d, AdaptiveAvgPool2d, Residual, gradNorms, kaimingUniform_ } from "./core/layers";
export { vgg16, googlenet, resnet34, Inception } from "./core/architectures";
/** MobileNet v1 with ImageNet weights: load, top-k, features for transfer learning */
export * as mobilenet from "./node/mobilenet";

// ---- training: optimizers, the loop, evaluation, comparison runs
export { optim };
export { manualSeed, Random } from "./core/random";
export { trainStep, trainEpoch, evaluate, predict, fit, EarlyStopping, l2Penalty } from "./core/train";
export { experiment, showExperiments } from "./core/experiment";
export type { ExperimentResult } from "./core/experiment";
export { topk, topkAccuracy } from "./core/metrics";

// ---- plots (plotly, offline): figures, show..., live curves
export * as plot from "./core/plot";

// ---- exercises: the check cells and the report the teacher collects
export { check } from "./core/exercises";
export { report } from "./core/report";

// ---- backend and TensorFlow.js itself
export { useBackend } from "./node/backend";
export { tf };
