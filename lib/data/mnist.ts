// datasets.MNIST(root, train, transform, download) in TypeScript.
import * as fs from "fs";
import * as path from "path";
import { ImageDataset } from "./dataset";
import { parseIdx } from "./idx";
import { obtain, ObtainOptions, RemoteFile } from "./sources";
import type { Transform } from "./transforms";
import { datasetsRoot } from "../paths";

const URLS = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"];

function mnistFile(name: string, md5: string): RemoteFile {
  return { name, folder: "mnist", md5, urls: URLS.map((u) => u + name) };
}

/** The four original files, with the md5 sums torchvision checks them against. */
export const MNIST_FILES = {
  train: {
    images: mnistFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    labels: mnistFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    count: 60000,
  },
  test: {
    images: mnistFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    labels: mnistFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    count: 10000,
  },
};

export interface MNISTOptions extends Partial<ObtainOptions> {
  /** training set (60,000) or test set (10,000) */
  train?: boolean;
  transform?: Transform;
}

/** Builds an MNIST dataset from an images file and a labels file (any idx files of that shape). */
export function mnistFromFiles(imagesFile: string, labelsFile: string, transform?: Transform, expectCount?: number): ImageDataset {
  const images = parseIdx(fs.readFileSync(imagesFile), imagesFile, 2051);
  const labels = parseIdx(fs.readFileSync(labelsFile), labelsFile, 2049);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new Error(`${imagesFile}: images are ${images.dims.join("x")}, expected N x 28 x 28`);
  }
  const [n] = images.dims;
  if (labels.dims[0] !== n) {
    throw new Error(`${imagesFile} holds ${n} images but ${labelsFile} holds ${labels.dims[0]} labels; the counts disagree. Use the matching pair of files (download them again).`);
  }
  if (expectCount !== undefined && n !== expectCount) {
    throw new Error(`${imagesFile}: ${n} images, expected ${expectCount}`);
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`${labelsFile}: label ${labels.data[bad]} at index ${bad} is not a digit 0-9`);
  return new ImageDataset(images.data, labels.data, [28, 28, 1], transform, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
}

/**
 * MNIST from the cache, the mirror folder, or the canonical URLs (see sources.ts).
 * As in torchvision, `download: true` fetches all four files, so the test set is there too.
 */
export async function MNIST(opts: MNISTOptions = {}): Promise<ImageDataset> {
  const split = opts.train === false ? MNIST_FILES.test : MNIST_FILES.train;
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  if (o.download) {
    for (const s of [MNIST_FILES.train, MNIST_FILES.test]) for (const f of [s.images, s.labels]) await obtain(f, o);
  }
  const imagesFile = await obtain(split.images, o);
  const labelsFile = await obtain(split.labels, o);
  return mnistFromFiles(imagesFile, labelsFile, opts.transform, split.count);
}
