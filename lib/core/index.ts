// The core of the lecture's library: everything a notebook imports from "lecture3" that is pure TensorFlow.js and
// runs in a browser as it is. The Node face (lib/index.ts, "lecture3") adds the data sets from files, photos,
// MobileNet and useBackend; a browser face adds its own. Other names stay in their modules.
import * as tf from "@tensorflow/tfjs";
import * as F from "./functional";
import * as nn from "./nn";
import * as optim from "./optim";
import * as transforms from "./data/transforms";
// the epoch line and the checkers' record that the training loop reports to (hooks.ts): they install themselves
import "./progress";
import "./provenance";

// ---- data: transforms, mini-batches, augmentation (torchvision.transforms, DataLoader)
export { transforms };
export { DataLoader } from "./data/loader";
export { ImageDataset } from "./data/dataset";
export type { Augment } from "./data/dataset";
export { shiftImage, rotateImage, randomShiftRotate, shiftedCopy } from "./data/augment";

// ---- models and layers (torch.nn, torch.nn.functional, torchvision.models)
export { nn, F };
export { Module } from "./nn";
export { Net, ConvNet } from "./models";
export { Residual, gradNorms } from "./layers";
export { vgg16, googlenet, resnet34, Inception } from "./architectures";

// ---- training: optimizers, the loop, evaluation, comparison runs
export { optim };
export { manualSeed, Random } from "./random";
export { trainStep, trainEpoch, evaluate, fit, l2Penalty } from "./train";
export { predict } from "./predict";
export { EarlyStopping } from "./early-stopping";
export { experiment } from "./experiment";
export { showExperiments } from "./plot/experiments";
export type { ExperimentResult } from "./experiment";
export { topk, topkAccuracy } from "./metrics";

// ---- plots (plotly, offline): figures, show..., live curves
export * as plot from "./plot";
export { drawDigit, confusionView } from "./plot/views"; // draw a digit, click the confusion matrix: in the page (views/: the JupyterLab extension)

// ---- exercises: the check cells and the report the teacher collects
export { check } from "./exercises";
export { report } from "./report";

// ---- TensorFlow.js itself
export { tf };
