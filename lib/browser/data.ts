// Data sets in the browser, from the site's own files (scripts/site.sh puts them in data/): MNIST's idx files,
// uncompressed, parsed by the core's parseIdx into the core's ImageDataset; the ants/bees validation photos
// (data/hymenoptera/val/ and its list val.json, made by scripts/site-data.ts in the node edition's order), decoded
// by the core's jpeg-js code as the node edition does on wasm/cpu.
import { ImageDataset } from "../core/data/dataset";
import { parseIdx } from "../core/data/idx";
import { FolderListing, ImageFolderDataset, imageFolderFrom, PhotoOptions } from "../core/data/images";
import type { Transform } from "../core/data/transforms";
import { notInSite } from "./missing";
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

/**
 * datasets.Hymenoptera({ train: false, transform }) as in the node edition: the 153 validation photos (the site has
 * no training photos); root and download are accepted and not needed.
 */
export async function Hymenoptera(opts: PhotoOptions & { train?: boolean; root?: string; download?: boolean } = {}): Promise<ImageFolderDataset> {
  if (opts.train !== false) notInSite("datasets.Hymenoptera の訓練データ (train: true)");
  const root = "data/hymenoptera/val";
  const list = JSON.parse(new TextDecoder().decode(await siteFile(`${root}.json`))) as FolderListing;
  const listing: FolderListing = { root, classes: list.classes, files: list.files.map(([file, label]) => [`${root}/${file}`, label]) };
  // all the photos' requests at once (one after the other waits on each of 153 round trips through the service worker)
  const bytes = new Map(await Promise.all(listing.files.map(async ([file]) => [file, await siteFile(file.split("/").map(encodeURIComponent).join("/"))] as const)));
  return imageFolderFrom(listing, (file) => bytes.get(file)!, opts);
}
