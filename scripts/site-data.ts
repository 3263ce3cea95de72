// The site's photos and MobileNet (01 in the browser; docs/site.md), put into its data/ folder by scripts/site.sh:
//   data/mobilenet_v1_0.25_224/   model.json and its 55 shards
//   data/hymenoptera/val/         the 153 validation photos (ants/, bees/), and val.json: their classes and files
//                                 in the order the node edition's ImageFolder reads them (listImageFolder)
// The files come as the node edition gets them, through lib/node (obtain(): the cache datasets/, then the folders of
// $LECTURE3_DATA_MIRROR, each md5-checked; the zip unpacked by archive.ts), without downloading.
// site.sh bundles this file with esbuild and runs it: node site/_build/site-data.js site/_output/data
import * as fs from "fs";
import * as path from "path";
import { hymenopteraFolder } from "../lib/node/data/hymenoptera";
import { listImageFolder } from "../lib/node/data/images";
import { obtain } from "../lib/node/data/sources";
import { MOBILENET_FILES, MOBILENET_FOLDER } from "../lib/node/mobilenet";
import { datasetsRoot } from "../lib/node/paths";

const REMEDY = "npm run notebooks -- 01 で datasets/ に入れるか、LECTURE3_DATA_MIRROR を設定してください";

async function main(out: string): Promise<void> {
  const opts = { root: datasetsRoot(), download: false, log: () => undefined };
  const weights = path.join(out, MOBILENET_FOLDER);
  fs.mkdirSync(weights, { recursive: true });
  try {
    for (const f of MOBILENET_FILES) fs.copyFileSync(await obtain(f, opts), path.join(weights, f.name));
  } catch (e) {
    throw new Error(`MobileNet の重み (${MOBILENET_FOLDER}) がありません: ${REMEDY} (${(e as Error).message.split("\n")[0]})`);
  }
  let val: string;
  try {
    val = path.join(await hymenopteraFolder(opts), "val");
  } catch (e) {
    throw new Error(`アリとハチの写真 (hymenoptera_data.zip) がありません: ${REMEDY} (${(e as Error).message.split("\n")[0]})`);
  }
  const listing = listImageFolder(val);
  const files = listing.files.map(([file, label]) => [path.relative(val, file).split(path.sep).join("/"), label] as const);
  for (const [file] of files) {
    fs.mkdirSync(path.join(out, "hymenoptera", "val", path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(val, file), path.join(out, "hymenoptera", "val", file));
  }
  fs.writeFileSync(path.join(out, "hymenoptera", "val.json"), JSON.stringify({ classes: listing.classes, files }));
  console.log(`[site] data: MobileNet (${MOBILENET_FILES.length} files), ${files.length} ants/bees validation photos`);
}

main(process.argv[2]).catch((e) => {
  console.error(`[site] ${(e as Error).message}`);
  process.exit(1);
});
