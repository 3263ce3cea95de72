// mobilenet.load() in the browser: the same 56 files as the node edition (model.json and 55 shards), which
// scripts/site.sh copies md5-checked into the site's data/mobilenet_v1_0.25_224/, built by the core's code.
import { IMAGENET_CLASSES, loadLayersModel, MobileNet, MOBILENET_FOLDER } from "../core/mobilenet";
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
