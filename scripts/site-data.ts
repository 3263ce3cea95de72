// The site's data files besides MNIST (docs/site.md), put into its data/ folder by scripts/site.sh:
//   data/mobilenet_v1_0.25_224/   model.json and its 55 shards (01, 06)
//   data/hymenoptera/val/, train/ the 153 validation photos and the 245 training files (ants/, bees/; 01, 06), and
//                                 val.json, train.json: their classes and files in the order the node edition's
//                                 ImageFolder reads them (listImageFolder)
//   data/fashion-mnist/           Fashion-MNIST's four idx files, gzip-compressed as found (03's harder data set;
//                                 the browser unpacks them with DecompressionStream)
//   data/cifar10/                 CIFAR-10's JPEG copy (07): train.jpgs.gz and test.jpgs.gz, the 50,000 / 10,000 JPEG
//                                 files of cifar10_jpeg.tar.gz one after the other, gzip-compressed (one request a
//                                 split instead of 60,000; the browser unpacks it with DecompressionStream),
//                                 and train.json, test.json: classes, and every file with its class and length, in
//                                 the node edition's ImageFolder order
// The files come as the node edition gets them, through lib/node (obtain(): the cache datasets/, then the folders of
// $LECTURE3_DATA_MIRROR, each md5-checked; the archives unpacked by archive.ts), without downloading. A missing file
// stops the build with a line saying what to do.
// site.sh bundles this file with esbuild and runs it: node site/_build/site-data.js site/_build/data
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { CIFAR10_JPEG } from "../lib/node/data/cifar10";
import { unpack } from "../lib/node/data/archive";
import { FASHION_MNIST_FILES } from "../lib/node/data/fashion-mnist";
import { hymenopteraFolder } from "../lib/node/data/hymenoptera";
import { listImageFolder } from "../lib/node/data/images";
import { obtain } from "../lib/node/data/sources";
import { MOBILENET_FILES, MOBILENET_FOLDER } from "../lib/node/mobilenet";
import { datasetsRoot } from "../lib/node/paths";

const REMEDY = "npm run notebooks -- 01 で datasets/ に入れるか、LECTURE3_DATA_MIRROR を設定してください";
const firstLine = (e: unknown) => (e as Error).message.split("\n")[0];
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** A folder of photos copied file by file (data/<to>/) with its list (data/<to>.json); returns the bytes copied. */
function copyPhotoFolder(from: string, out: string, to: string): { files: number; bytes: number } {
  const listing = listImageFolder(from);
  const files = listing.files.map(([file, label]) => [path.relative(from, file).split(path.sep).join("/"), label] as const);
  let bytes = 0;
  for (const [file] of files) {
    fs.mkdirSync(path.join(out, to, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(from, file), path.join(out, to, file));
    bytes += fs.statSync(path.join(from, file)).size;
  }
  fs.writeFileSync(path.join(out, `${to}.json`), JSON.stringify({ classes: listing.classes, files }));
  return { files: files.length, bytes };
}

/**
 * A folder of photos packed into one gzip file (data/<to>.jpgs.gz: the files one after the other, then gzip, which
 * takes CIFAR-10's 55 MB of small JPEGs with their repeated headers to about a third) with its list (data/<to>.json,
 * each file's length); returns the gzip file's bytes.
 */
function packPhotoFolder(from: string, out: string, to: string): { files: number; bytes: number } {
  const listing = listImageFolder(from);
  const parts = listing.files.map(([file]) => fs.readFileSync(file));
  const files = listing.files.map(([file, label], i) => [path.relative(from, file).split(path.sep).join("/"), label, parts[i].length] as const);
  fs.mkdirSync(path.dirname(path.join(out, to)), { recursive: true });
  const pack = zlib.gzipSync(Buffer.concat(parts));
  fs.writeFileSync(path.join(out, `${to}.jpgs.gz`), pack);
  fs.writeFileSync(path.join(out, `${to}.json`), JSON.stringify({ classes: listing.classes, files }));
  return { files: files.length, bytes: pack.length };
}

async function main(out: string): Promise<void> {
  const opts = { root: datasetsRoot(), download: false, log: () => undefined };
  const weights = path.join(out, MOBILENET_FOLDER);
  fs.mkdirSync(weights, { recursive: true });
  try {
    for (const f of MOBILENET_FILES) fs.copyFileSync(await obtain(f, opts), path.join(weights, f.name));
  } catch (e) {
    throw new Error(`MobileNet の重み (${MOBILENET_FOLDER}) がありません: ${REMEDY} (${firstLine(e)})`);
  }
  let photos: string;
  try {
    photos = await hymenopteraFolder(opts);
  } catch (e) {
    throw new Error(`アリとハチの写真 (hymenoptera_data.zip) がありません: ${REMEDY} (${firstLine(e)})`);
  }
  const val = copyPhotoFolder(path.join(photos, "val"), out, "hymenoptera/val");
  const train = copyPhotoFolder(path.join(photos, "train"), out, "hymenoptera/train");
  const fashion = path.join(out, "fashion-mnist");
  fs.mkdirSync(fashion, { recursive: true });
  let fashionBytes = 0;
  try {
    for (const split of Object.values(FASHION_MNIST_FILES)) {
      for (const f of [split.images, split.labels]) {
        fs.copyFileSync(await obtain(f, opts), path.join(fashion, f.name));
        fashionBytes += fs.statSync(path.join(fashion, f.name)).size;
      }
    }
  } catch (e) {
    throw new Error(`Fashion-MNIST のファイルがありません: apt-get install dataset-fashion-mnist で /usr/share/datasets/fashion-mnist に入れて LECTURE3_DATA_MIRROR に /usr/share/datasets を加えるか、ローカル版で datasets.FashionMNIST({ download: true }) を一度実行して datasets/fashion-mnist に入れてください (${firstLine(e)})`);
  }
  let cifar: string;
  try {
    cifar = unpack(await obtain(CIFAR10_JPEG, opts), path.join(opts.root, "cifar10", "jpeg"));
  } catch (e) {
    throw new Error(`CIFAR-10 の JPEG コピー (${CIFAR10_JPEG.name}) がありません: LECTURE3_DATA_MIRROR のフォルダの cifar10/ (または直下) に置くか、datasets/cifar10/ に入れてください。ダウンロード先はありません (datasets/README.md) (${firstLine(e)})`);
  }
  const cifarTrain = packPhotoFolder(path.join(cifar, "train"), out, "cifar10/train");
  const cifarTest = packPhotoFolder(path.join(cifar, "test"), out, "cifar10/test");
  console.log(
    `[site] data: MobileNet (${MOBILENET_FILES.length} files), ants/bees ${val.files} validation photos (${mb(val.bytes)}) and ${train.files} training files (${mb(train.bytes)}), ` +
      `Fashion-MNIST (4 files, ${mb(fashionBytes)}), CIFAR-10 JPEG ${cifarTrain.files} + ${cifarTest.files} images (${mb(cifarTrain.bytes + cifarTest.bytes)})`,
  );
}

main(process.argv[2]).catch((e) => {
  console.error(`[site] ${(e as Error).message}`);
  process.exit(1);
});
