// The lecture's helper library. Notebooks import it as "lecture3".
import * as tf from "@tensorflow/tfjs";
import * as F from "./functional";
import * as nn from "./nn";
import * as optim from "./optim";
import * as transforms from "./data/transforms";
import { MNIST } from "./data/mnist";
import { ImageFolder } from "./data/images";
import { CIFAR10 } from "./data/cifar10";
import { Hymenoptera } from "./data/hymenoptera";
import { datasetsRoot } from "./paths";

export { tf, F, nn, optim, transforms };
/** datasets.MNIST(...); datasets.root is the project's data cache (datasets/), the default `root` of every data set. */
export const datasets = { MNIST, ImageFolder, CIFAR10, Hymenoptera, root: datasetsRoot() };
// photos: decoding, resize/crop, augmentation, normalization, photo grids; archives; MobileNet and transfer learning
export * as images from "./data/images";
export type { ImageFolderDataset, ImageFolderOptions, RawImage } from "./data/images";
export { unpack, readArchive } from "./data/archive";
export { CIFAR10_CLASSES, readCifarBatches } from "./data/cifar10";
export type { CIFAR10Dataset } from "./data/cifar10";
export * as mobilenet from "./mobilenet";
export { useBackend, describeBackend } from "./backend";
export type { BackendInfo, BackendName } from "./backend";
export { manualSeed, Random } from "./random";
export { ImageDataset } from "./data/dataset";
export { DataLoader } from "./data/loader";
export { parseIdx, encodeIdx } from "./data/idx";
export { obtain, MIRROR_ENV } from "./data/sources";
export { MNIST_FILES, mnistFromFiles } from "./data/mnist";
export { Net, ConvNet } from "./models";
export type { ConvNetOptions } from "./models";
export { Module } from "./nn";
// deep networks (08): activations as modules, average pooling, the skip connection, per-parameter gradient norms
export * as layers from "./layers";
export { Tanh, Sigmoid, LogSoftmax, AvgPool2d, AdaptiveAvgPool2d, Residual, gradNorms, kaimingUniform_ } from "./layers";
export type { GradNorm } from "./layers";
// VGG16, GoogLeNet and ResNet-34 from these modules (no weights): parameter counts as torchvision
export * as architectures from "./architectures";
export { vgg16, googlenet, resnet34, basicBlock, basicConv2d, Inception, Conv2dNoBias, MaxPool2dPadded } from "./architectures";
export { trainStep, trainEpoch, evaluate, predict, fit, EarlyStopping, l2Penalty } from "./train";
export type { History, EpochRecord, EvalResult } from "./train";
export { ProgressLine } from "./progress";
export { show, LiveDisplay, inNotebook } from "./display";
export { projectRoot, datasetsRoot } from "./paths";
export { topk, topkAccuracy } from "./metrics";
export { check } from "./exercises";
export type { CheckResult, CheckStatus } from "./exercises";
export { shiftImage, rotateImage, randomShiftRotate, shiftedCopy, augmentedCopy } from "./data/augment";
export type { Augment } from "./data/dataset";
export * as plot from "./plot";
export { encodePng } from "./png";
export { experiment, experimentFigure, showExperiments } from "./experiment";
export type { ExperimentOptions, ExperimentResult, ExperimentEpoch } from "./experiment";
export { report, reported, REPORT_MIME } from "./report";
export type { Report, ReportValue } from "./report";
