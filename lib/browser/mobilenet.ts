// mobilenet.load() and mobilenet.untrained() in the browser: the same 56 files as the node edition (model.json and 55 shards), which
// scripts/site.sh copies md5-checked into the site's data/mobilenet_v1_0.25_224/, built by the core's code.
import { IMAGENET_CLASSES, loadLayersModel, MobileNet, MOBILENET_FOLDER, untrainedModel } from "../core/mobilenet";
import { siteFile } from "./platform";

export * from "../core/mobilenet";

/** MobileNet v1 0.25 with ImageNet weights, from the site's files; the node edition's options are accepted and not needed. */
export async function load(_opts: { download?: boolean; root?: string } = {}): Promise<MobileNet> {
  const files: string[] = [];
  const model = await loadLayersModel((name) => {
    files.push(`data/${MOBILENET_FOLDER}/${name}`);
    return siteFile(files[files.length - 1]);
  });
  return new MobileNet(model, IMAGENET_CLASSES, files);
}

/**
 * The same architecture with fresh random weights, seeded (the core's untrainedModel, as the node edition's
 * mobilenet.untrained): 06's "from scratch" comparison. Only model.json is read.
 */
export async function untrained(seed = 0, opts: { bnMomentum?: number; download?: boolean; root?: string } = {}): Promise<MobileNet> {
  const file = `data/${MOBILENET_FOLDER}/model.json`;
  const model = await untrainedModel(new TextDecoder().decode(await siteFile(file)), seed, opts.bnMomentum);
  return new MobileNet(model, IMAGENET_CLASSES, [file]);
}
