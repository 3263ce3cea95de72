// The lecture's helper library, as notebooks import it: import { datasets, DataLoader, nn, fit } from "lecture3".
// What is here is what the notebooks use and what a student needs to write the same things again; every other
// name stays in its module (tests and scripts import those from there, e.g. "../lib/data/sources").
// lib/README.md: the files of the library, what depends on what, and how to add a notebook, data set, model or checker.
import * as tf from "@tensorflow/tfjs";
import * as F from "./functional";
import * as nn from "./nn";
import * as optim from "./optim";
import * as transforms from "./data/transforms";
import { MNIST } from "./data/mnist";
import { FashionMNIST } from "./data/fashion-mnist";
import { ImageFolder } from "./data/images";
import { CIFAR10 } from "./data/cifar10";
import { Hymenoptera } from "./data/hymenoptera";
import { datasetsRoot } from "./paths";

// ---- data: data sets, transforms, mini-batches, augmentation (torchvision.datasets, transforms, DataLoader)
/** datasets.MNIST(...); datasets.root is the project's data cache (datasets/), the default `root` of every data set. */
export const datasets = { MNIST, FashionMNIST, ImageFolder, CIFAR10, Hymenoptera, root: datasetsRoot() };
export { transforms };
export { DataLoader } from "./data/loader";
export { ImageDataset } from "./data/dataset";
export type { Augment } from "./data/dataset";
export { shiftImage, rotateImage, randomShiftRotate, shiftedCopy } from "./data/augment";
/** photos: decoding, resize/crop, flips, ImageNet and MobileNet normalization, photo grids */
export * as images from "./data/images";

// ---- models and layers (torch.nn, torch.nn.functional, torchvision.models)
export { nn, F };
export { Module } from "./nn";
export { Net, ConvNet } from "./models";
export { Tanh, Sigmoid, LogSoftmax, AvgPool2d, AdaptiveAvgPool2d, Residual, gradNorms, kaimingUniform_ } from "./layers";
export { vgg16, googlenet, resnet34, Inception } from "./architectures";
/** MobileNet v1 with ImageNet weights: load, top-k, features for transfer learning */
export * as mobilenet from "./mobilenet";

// ---- training: optimizers, the loop, evaluation, comparison runs
export { optim };
export { manualSeed, Random } from "./random";
export { trainStep, trainEpoch, evaluate, predict, fit, EarlyStopping, l2Penalty } from "./train";
export { experiment, showExperiments } from "./experiment";
export type { ExperimentResult } from "./experiment";
export { topk, topkAccuracy } from "./metrics";

// ---- plots (plotly, offline): figures, show..., live curves
export * as plot from "./plot";

// ---- exercises: the check cells and the report the teacher collects
export { check } from "./exercises";
export { report } from "./report";

// ---- backend and TensorFlow.js itself
export { useBackend } from "./backend";
export { tf };
