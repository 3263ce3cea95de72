// Data sets in the browser: the same idx files as the node edition, served by the site (scripts/site.sh copies them
// uncompressed into data/mnist/), parsed by the core's parseIdx into the core's ImageDataset.
import { ImageDataset } from "../core/data/dataset";
import { parseIdx } from "../core/data/idx";
import type { Transform } from "../core/data/transforms";
import { siteFile } from "./platform";

const CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** datasets.MNIST({ train, transform }) as in the node edition; root and download are accepted and not needed. */
export async function MNIST(opts: { train?: boolean; transform?: Transform; root?: string; download?: boolean } = {}): Promise<ImageDataset> {
  const split = opts.train === false ? "t10k" : "train";
  const imagesFile = `data/mnist/${split}-images-idx3-ubyte`;
  const labelsFile = `data/mnist/${split}-labels-idx1-ubyte`;
  const images = parseIdx(await siteFile(imagesFile), imagesFile, 2051);
  const labels = parseIdx(await siteFile(labelsFile), labelsFile, 2049);
  if (labels.dims[0] !== images.dims[0]) throw new Error(`${imagesFile} と ${labelsFile} の枚数が合いません。npm run site で作り直してください。`);
  return new ImageDataset(images.data, labels.data, [28, 28, 1], opts.transform, CLASSES);
}
