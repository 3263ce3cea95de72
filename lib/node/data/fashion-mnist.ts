// datasets.FashionMNIST: Zalando's 28 x 28 gray images of clothes in 10 classes, in MNIST's idx format and sizes; harder.
// Files, md5 sums and mirror as torchvision lists them; the second md5 is of the decompressed content, so that Debian's
// recompressed copy (apt-get install dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/) is accepted as a mirror.
import { FASHION_MNIST_CLASSES } from "../../core/data/idx";
import { datasetOf, DatasetSpec, readIdx, remoteFiles } from "./spec";

export const FASHION_MNIST_SPEC: DatasetSpec = {
  name: "Fashion-MNIST",
  folder: "fashion-mnist",
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  trainImages: ["train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"],
  trainLabels: ["train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"],
  testImages: ["t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"],
  testLabels: ["t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965"],
  parser: readIdx,
  shape: [28, 28, 1],
  classes: FASHION_MNIST_CLASSES,
};
export const FashionMNIST = datasetOf(FASHION_MNIST_SPEC);
/** The four files as RemoteFiles (the site copies them: scripts/site-data.ts). */
export const FASHION_MNIST_FILES = remoteFiles(FASHION_MNIST_SPEC);
