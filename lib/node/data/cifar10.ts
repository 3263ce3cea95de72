// datasets.CIFAR10(root, train, transform, download) in TypeScript: 60,000 colour images 32×32 in 10 classes
// (50,000 training, 10,000 test).
// Two forms of the data are read:
//   1. the original binary version, cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530, Alex Krizhevsky's
//      page): cifar-10-batches-bin/data_batch_1..5.bin and test_batch.bin, each 10,000 records of
//      1 label byte + 1024 red + 1024 green + 1024 blue bytes (rows of 32, planes one after the other);
//   2. an image-folder copy, train/<class>/*.jpg and test/<class>/*.jpg (e.g. cifar10_jpeg.tar.gz, a JPEG export:
//      lossy, the pixels differ slightly from the original ones), read with ImageFolder.
// In order: the binary version from the cache or the mirror folder, the JPEG copy from the cache or the mirror folder,
// then (download: true) the binary version from its canonical URL. `dataset.source` says which one was used.
import * as fs from "fs";
import * as path from "path";
import { datasetsRoot } from "../paths";
import { unpack } from "./archive";
import type { Augment } from "../../core/data/dataset";
import { CIFAR10_CLASSES, CIFAR10Dataset } from "../../core/data/cifar10";
import { ImageFolder } from "./images";
import { obtain, ObtainOptions, RemoteFile } from "./sources";
import type { Transform } from "../../core/data/transforms";

export { CIFAR10_CLASSES, CIFAR10Dataset };

export const CIFAR10_BINARY: RemoteFile = {
  name: "cifar-10-binary.tar.gz",
  folder: "cifar10",
  md5: "c32a1d4ab5d03f1284b67883e8d87530",
  urls: ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"],
};

/** The JPEG export of CIFAR-10 (a mirror-only file: it has no canonical URL). */
export const CIFAR10_JPEG: RemoteFile = {
  name: "cifar10_jpeg.tar.gz",
  folder: "cifar10",
  md5: "55591e09d7ccdde54a2fb019cafeef71",
  urls: [],
};

const RECORD = 1 + 32 * 32 * 3;

/**
 * Reads CIFAR-10 binary batch files (10,000 records of 3,073 bytes each) into HWC bytes.
 * A file of the wrong length, or with a label above 9, is an error that names it.
 */
export function readCifarBatches(files: string[]): { images: Uint8Array; labels: Uint8Array } {
  const bufs = files.map((f) => {
    const b = fs.readFileSync(f);
    if (b.length === 0 || b.length % RECORD !== 0) {
      throw new Error(`${f}: ${b.length} bytes is not a whole number of CIFAR-10 records (${RECORD} bytes each: 1 label + 3072 pixels); the file is truncated or not a CIFAR-10 batch. Delete it and download it again`);
    }
    return [f, b] as const;
  });
  const n = bufs.reduce((s, [, b]) => s + b.length / RECORD, 0);
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let i = 0;
  for (const [f, b] of bufs) {
    for (let r = 0; r < b.length / RECORD; r++, i++) {
      const rec = b.subarray(r * RECORD, (r + 1) * RECORD);
      if (rec[0] > 9) throw new Error(`${f}: record ${r} has label ${rec[0]}, not a class 0-9; not a CIFAR-10 batch`);
      labels[i] = rec[0];
      const out = images.subarray(i * 3072, (i + 1) * 3072);
      for (let p = 0; p < 1024; p++) {
        out[3 * p] = rec[1 + p];
        out[3 * p + 1] = rec[1 + 1024 + p];
        out[3 * p + 2] = rec[1 + 2048 + p];
      }
    }
  }
  return { images, labels };
}

export interface CIFAR10Options extends Partial<ObtainOptions> {
  /** training set (50,000) or test set (10,000) */
  train?: boolean;
  transform?: Transform;
  augment?: Augment;
  /** "auto" (default: the order above), or one form only */
  source?: "auto" | "binary" | "jpeg";
}

async function tryObtain(file: RemoteFile, o: ObtainOptions): Promise<string | null> {
  try {
    return await obtain(file, { ...o, download: false, log: () => undefined });
  } catch (e) {
    if (/md5/.test((e as Error).message)) throw e; // a corrupt copy is reported, never passed over
    return null;
  }
}

/**
 * The training batches (data_batch_1..5.bin) or the test batch (test_batch.bin) of an unpacked cifar-10-batches-bin
 * folder. `expect`: the number of images there must be (50,000 / 10,000 for the real data set).
 */
export function cifar10FromBatches(dir: string, opts: { train?: boolean; transform?: Transform; augment?: Augment; expect?: number } = {}): CIFAR10Dataset {
  const names = opts.train === false ? ["test_batch.bin"] : [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);
  const files = names.map((n) => path.join(dir, n));
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`${dir}: ${missing.map((m) => path.basename(m)).join(", ")} is missing; not an unpacked CIFAR-10 binary archive (cifar-10-batches-bin)`);
  const { images, labels } = readCifarBatches(files);
  if (opts.expect !== undefined && labels.length !== opts.expect) throw new Error(`${dir}: ${labels.length} images, expected ${opts.expect}`);
  return new CIFAR10Dataset(images, labels, opts.transform, opts.augment, "binary", dir);
}

function fromBinary(archive: string, o: ObtainOptions, opts: CIFAR10Options): CIFAR10Dataset {
  const dir = path.join(unpack(archive, path.join(o.root, "cifar10", "binary"), { log: o.log }), "cifar-10-batches-bin");
  return cifar10FromBatches(dir, { ...opts, expect: opts.train === false ? 10000 : 50000 });
}

async function fromJpeg(archive: string, o: ObtainOptions, opts: CIFAR10Options): Promise<CIFAR10Dataset> {
  const dir = path.join(unpack(archive, path.join(o.root, "cifar10", "jpeg"), { log: o.log }), opts.train === false ? "test" : "train");
  const ds = await ImageFolder({ root: dir, resize: 32, crop: 32, log: o.log });
  if (ds.classes!.join() !== CIFAR10_CLASSES.join()) throw new Error(`${dir}: class folders ${ds.classes!.join(", ")}; expected ${CIFAR10_CLASSES.join(", ")}`);
  return new CIFAR10Dataset(ds.images, ds.labels, opts.transform, opts.augment, "jpeg", dir);
}

/** CIFAR-10 from the cache, the mirror folder or the canonical URL (see the top of this file). */
export async function CIFAR10(opts: CIFAR10Options = {}): Promise<CIFAR10Dataset> {
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const source = opts.source ?? "auto";
  if (source !== "jpeg") {
    const bin = await tryObtain(CIFAR10_BINARY, o);
    if (bin) return fromBinary(bin, o, opts);
  }
  if (source !== "binary") {
    const jpg = await tryObtain(CIFAR10_JPEG, o);
    if (jpg) return fromJpeg(jpg, o, opts);
    if (source === "jpeg") throw new Error(`${CIFAR10_JPEG.name} is neither in ${path.join(o.root, "cifar10")} nor in the mirror folder ($LECTURE3_DATA_MIRROR); it has no download URL`);
  }
  return fromBinary(await obtain(CIFAR10_BINARY, o), o, opts);
}
