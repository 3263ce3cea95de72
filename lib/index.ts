// The lecture's helper library. Notebooks import it as "lecture3".
import * as tf from "@tensorflow/tfjs";
import * as F from "./functional";
import * as nn from "./nn";
import * as optim from "./optim";
import * as transforms from "./data/transforms";
import { MNIST } from "./data/mnist";

export { tf, F, nn, optim, transforms };
export const datasets = { MNIST };
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
export { trainStep, trainEpoch, evaluate, predict, fit, EarlyStopping, l2Penalty } from "./train";
export type { History, EpochRecord, EvalResult } from "./train";
export { ProgressLine } from "./progress";
export { show, LiveDisplay, inNotebook } from "./display";
export { projectRoot } from "./paths";
