// datasets.MNIST(root, train, transform, download) in TypeScript: the files, md5 sums and mirrors torchvision lists.
import { datasetOf, DatasetSpec, readIdx, remoteFiles } from "./spec";

export const MNIST_SPEC: DatasetSpec = {
  name: "MNIST",
  folder: "mnist",
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"],
  trainImages: ["train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"],
  trainLabels: ["train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"],
  testImages: ["t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"],
  testLabels: ["t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"],
  parser: readIdx,
  shape: [28, 28, 1],
  classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
};
export const MNIST = datasetOf(MNIST_SPEC);
/** The four files as RemoteFiles (MNIST_FILES.test.images, ...). */
export const MNIST_FILES = remoteFiles(MNIST_SPEC);
