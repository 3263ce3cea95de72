// Data sets in the browser, from the site's own files (scripts/site.sh and scripts/site-data.ts put them in data/):
//   MNIST's idx files, uncompressed, and Fashion-MNIST's, gzip-compressed as the mirror has them (unpacked here by
//   the browser's DecompressionStream), parsed by the core's parseIdx into the core's ImageDataset;
//   the ants/bees photos (data/hymenoptera/train/ and val/, and their lists train.json and val.json, made by
//   scripts/site-data.ts in the node edition's order), and CIFAR-10's JPEG copy (data/cifar10/train.jpgs.gz and
//   test.jpgs.gz: the archive's JPEG files one after the other, gzip-compressed, listed by train.json and test.json
//   in that order), all
//   decoded by the core's jpeg-js code into the core's ImageFolderDataset, as the node edition does on wasm/cpu.
import { CIFAR10_CLASSES, CIFAR10Dataset } from "../core/data/cifar10";
import type { Augment } from "../core/data/dataset";
import { ImageDataset } from "../core/data/dataset";
import { FASHION_MNIST_CLASSES, parseIdx } from "../core/data/idx";
import { FolderListing, ImageFolderDataset, imageFolderFrom, PhotoOptions } from "../core/data/images";
import type { Transform } from "../core/data/transforms";
import { siteFile } from "./platform";

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

interface IdxOptions {
  train?: boolean;
  transform?: Transform;
  /** accepted as in the node edition, and not needed: the files are the site's */
  root?: string;
  download?: boolean;
}

/** Unpacks gzip data (DecompressionStream); bytes that are not gzip (a server that already unpacked them) stay as they are. */
export async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (!(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
  try {
    // (looked up on globalThis: the TypeScript of `npx tsc -p site/kernel`, tslab's, has no DecompressionStream in its webworker lib)
    const { DecompressionStream } = globalThis as unknown as { DecompressionStream: new (format: "gzip") => TransformStream<Uint8Array, Uint8Array> };
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${file}: gzip を展開できません (${(e as Error).message})。npm run site で作り直してください。`);
  }
}

/** One split of an idx data set in the site's data/<folder>/ (`suffix` ".gz" for compressed files). */
async function idxDataset(folder: string, suffix: string, classes: string[], opts: IdxOptions): Promise<ImageDataset> {
  const split = opts.train === false ? "t10k" : "train";
  const imagesFile = `data/${folder}/${split}-images-idx3-ubyte${suffix}`;
  const labelsFile = `data/${folder}/${split}-labels-idx1-ubyte${suffix}`;
  const [imageBytes, labelBytes] = await Promise.all([siteFile(imagesFile).then((b) => gunzip(b, imagesFile)), siteFile(labelsFile).then((b) => gunzip(b, labelsFile))]);
  const images = parseIdx(imageBytes, imagesFile, 2051);
  const labels = parseIdx(labelBytes, labelsFile, 2049);
  if (labels.dims[0] !== images.dims[0]) throw new Error(`${imagesFile} と ${labelsFile} の枚数が合いません。npm run site で作り直してください。`);
  return new ImageDataset(images.data, labels.data, [28, 28, 1], opts.transform, classes);
}

/** datasets.MNIST({ train, transform }) as in the node edition; root and download are accepted and not needed. */
export async function MNIST(opts: IdxOptions = {}): Promise<ImageDataset> {
  return idxDataset("mnist", "", DIGITS, opts);
}

/** datasets.FashionMNIST({ train, transform }) as in the node edition (03's harder data); root and download are accepted and not needed. */
export async function FashionMNIST(opts: IdxOptions = {}): Promise<ImageDataset> {
  return idxDataset("fashion-mnist", ".gz", FASHION_MNIST_CLASSES, opts);
}

/** A folder of photos in the site (data/<root>/ and its list data/<root>.json), each photo its own request, all at once. */
async function sitePhotoFolder(root: string, opts: PhotoOptions): Promise<ImageFolderDataset> {
  const list = JSON.parse(new TextDecoder().decode(await siteFile(`${root}.json`))) as FolderListing;
  const listing: FolderListing = { root, classes: list.classes, files: list.files.map(([file, label]) => [`${root}/${file}`, label]) };
  // all the photos' requests at once (one after the other waits on each of 153 round trips through the service worker)
  const bytes = new Map(await Promise.all(listing.files.map(async ([file]) => [file, await siteFile(file.split("/").map(encodeURIComponent).join("/"))] as const)));
  return imageFolderFrom(listing, (file) => bytes.get(file)!, opts);
}

/**
 * datasets.Hymenoptera({ train, transform }) as in the node edition: the 245 training files (244 photos and the
 * GIF placeholder it skips) or the 153 validation photos; root and download are accepted and not needed.
 */
export async function Hymenoptera(opts: PhotoOptions & { train?: boolean; root?: string; download?: boolean } = {}): Promise<ImageFolderDataset> {
  return sitePhotoFolder(`data/hymenoptera/${opts.train === false ? "val" : "train"}`, opts);
}

/** The list of a packed photo folder (scripts/site-data.ts): classes, and every file with its class and its length in the pack. */
interface PackedListing {
  classes: string[];
  files: [file: string, label: number, bytes: number][];
}

/**
 * datasets.CIFAR10({ train, transform, augment }) as in the node edition, from the JPEG copy (cifar10_jpeg.tar.gz)
 * the site carries: its 50,000 training or 10,000 test JPEGs in one gzip file (data/cifar10/<split>.jpgs.gz), read in the
 * node edition's ImageFolder order (data/cifar10/<split>.json), decoded by jpeg-js, resized and cropped to 32 as
 * there. The site has no binary version: `source` is always "jpeg". root, download and source are accepted.
 */
export async function CIFAR10(opts: { train?: boolean; transform?: Transform; augment?: Augment; root?: string; download?: boolean; source?: string } = {}): Promise<CIFAR10Dataset> {
  const root = `data/cifar10/${opts.train === false ? "test" : "train"}`;
  const [listBytes, pack] = await Promise.all([siteFile(`${root}.json`), siteFile(`${root}.jpgs.gz`).then((b) => gunzip(b, `${root}.jpgs.gz`))]);
  const list = JSON.parse(new TextDecoder().decode(listBytes)) as PackedListing;
  const at = new Map<string, Uint8Array>();
  let offset = 0;
  for (const [file, , n] of list.files) {
    at.set(`${root}/${file}`, pack.subarray(offset, offset + n));
    offset += n;
  }
  if (offset !== pack.length) throw new Error(`${root}.jpgs.gz: ${pack.length} バイトですが、${root}.json によれば ${offset} バイトです。npm run site で作り直してください。`);
  const listing: FolderListing = { root, classes: list.classes, files: list.files.map(([file, label]) => [`${root}/${file}`, label]) };
  const ds = await imageFolderFrom(listing, (file) => at.get(file)!, { resize: 32, crop: 32 });
  if (ds.classes!.join() !== CIFAR10_CLASSES.join()) throw new Error(`${root}: class folders ${ds.classes!.join(", ")}; expected ${CIFAR10_CLASSES.join(", ")}`);
  return new CIFAR10Dataset(ds.images, ds.labels, opts.transform, opts.augment, "jpeg", root);
}
