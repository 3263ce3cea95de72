// A data set described as data, as torchvision's dataset classes are (mirrors, resources with md5 sums, classes):
// its files with their md5 sums, the URLs they come from, the parser that reads them, the image shape and the class
// names. datasetOf(spec) makes the loader, datasets.MNIST(opts) or datasets.FashionMNIST(opts), with the cache →
// mirror → download chain of sources.ts. lib/README.md, "Add a data set", is the recipe.
import * as fs from "fs";
import { ImageDataset } from "../../core/data/dataset";
import { parseIdx } from "../../core/data/idx";
import { obtain, ObtainOptions, RemoteFile } from "./sources";
import type { Transform } from "../../core/data/transforms";
import { datasetsRoot } from "../paths";

/** [file name, md5 of the file as published, md5 of its decompressed content (only where a recompressed copy exists)] */
export type FileSum = [name: string, md5: string, rawMd5?: string];

/** The images and labels of one image data set, as bytes: N × H × W × C and N. */
export interface Examples {
  images: Uint8Array;
  labels: Uint8Array;
}

export interface DatasetSpec {
  /** in messages, e.g. "Fashion-MNIST" */
  name: string;
  /** folder under the cache root and under each mirror folder */
  folder: string;
  /** base URLs, tried in order; a file's URL is base + file name */
  mirrors: string[];
  /** the files, each with its md5 sums (they pin the files: no other count or size check is needed) */
  trainImages: FileSum;
  trainLabels: FileSum;
  testImages: FileSum;
  testLabels: FileSum;
  /** reads one split from its images file and labels file (readIdx for the idx format) */
  parser: (imagesFile: string, labelsFile: string, spec: DatasetSpec) => Examples;
  /** [height, width, channels] of one image */
  shape: [number, number, number];
  /** class names; label k is classes[k] */
  classes: string[];
}

export interface DatasetOptions extends Partial<ObtainOptions> {
  /** the training set (default) or the test set */
  train?: boolean;
  transform?: Transform;
}

type Split = "train" | "test";

/** The spec's files as RemoteFiles, per split: { train: { images, labels }, test: { images, labels } }. */
export function remoteFiles(spec: DatasetSpec): Record<Split, { images: RemoteFile; labels: RemoteFile }> {
  const remote = ([name, md5, rawMd5]: FileSum): RemoteFile => ({ name, folder: spec.folder, md5, rawMd5, urls: spec.mirrors.map((u) => u + name) });
  return {
    train: { images: remote(spec.trainImages), labels: remote(spec.trainLabels) },
    test: { images: remote(spec.testImages), labels: remote(spec.testLabels) },
  };
}

/** A dataset from one split's two files, checked against the spec: shape (by the parser), label range. */
export function datasetFromFiles(spec: DatasetSpec, imagesFile: string, labelsFile: string, transform?: Transform): ImageDataset {
  const { images, labels } = spec.parser(imagesFile, labelsFile, spec);
  const bad = labels.findIndex((l) => l >= spec.classes.length);
  if (bad >= 0) {
    throw new Error(`${labelsFile}: label ${labels[bad]} at index ${bad} is not a class of ${spec.name} (0-${spec.classes.length - 1}); the file is not ${spec.name}'s.`);
  }
  return new ImageDataset(images, labels, spec.shape, transform, spec.classes);
}

/**
 * The loader of a data set: `await load({ train, transform, download, root, mirror })`. As in torchvision,
 * `download: true` fetches the files of both splits, so the test set is there too.
 */
export function datasetOf(spec: DatasetSpec): (opts?: DatasetOptions) => Promise<ImageDataset> {
  const files = remoteFiles(spec);
  return async (opts = {}) => {
    const obtainOptions: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
    const split: Split = opts.train === false ? "test" : "train";
    const got = new Map<RemoteFile, string>(); // each file obtained (and its md5 checked) once
    if (obtainOptions.download) for (const s of [files.train, files.test]) for (const f of [s.images, s.labels]) got.set(f, await obtain(f, obtainOptions));
    const imagesFile = got.get(files[split].images) ?? (await obtain(files[split].images, obtainOptions));
    const labelsFile = got.get(files[split].labels) ?? (await obtain(files[split].labels, obtainOptions));
    return datasetFromFiles(spec, imagesFile, labelsFile, opts.transform);
  };
}

/** The parser of the idx format (MNIST and its look-alikes): an N × H × W images file and an N labels file. */
export function readIdx(imagesFile: string, labelsFile: string, spec: DatasetSpec): Examples {
  const images = parseIdx(fs.readFileSync(imagesFile), imagesFile, 2051);
  const labels = parseIdx(fs.readFileSync(labelsFile), labelsFile, 2049);
  const [h, w, c] = spec.shape;
  if (c !== 1 || images.dims.length !== 3 || images.dims[1] !== h || images.dims[2] !== w) {
    throw new Error(`${imagesFile}: images are ${images.dims.join("x")}, expected N x ${h} x ${w} (${spec.name})`);
  }
  if (labels.dims[0] !== images.dims[0]) {
    throw new Error(`${imagesFile} holds ${images.dims[0]} images but ${labelsFile} holds ${labels.dims[0]} labels; the counts disagree. Use the matching pair of files (download them again).`);
  }
  return { images: images.data, labels: labels.data };
}
