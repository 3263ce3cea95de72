// MobileNet's files from Node: mobilenet.* of the node face. The network, its top-k, the frozen base, features and
// the top-5 rows are lib/core/mobilenet.ts (re-exported here), built from bytes; this file obtains the bytes.
//   const net = await mobilenet.load({ download: true });
// The 56 files (model.json and 55 weight shards, 1.9 MB) come from the cache (datasets/mobilenet_v1_0.25_224/), the
// mirror folder, or Google's storage (the files TensorFlow.js's mobilenet package loads), each checked by md5.
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { IMAGENET_CLASSES, loadLayersModel, MobileNet, MOBILENET_FOLDER, untrainedModel } from "../core/mobilenet";
import { obtain, ObtainOptions, RemoteFile } from "./data/sources";
import { datasetsRoot } from "./paths";

export * from "../core/mobilenet";

const BASE_URL = `https://storage.googleapis.com/tfjs-models/tfjs/${MOBILENET_FOLDER}/`;

const MD5: Record<string, string> = {
  "model.json": "2b25c4123e1d3b2087cc4a7bd2706a2b",
  "group1-shard1of1": "190fab8629b8cfc8bb3fda2e3f8861fb",
  "group2-shard1of1": "e84f9b10648fda19be0210c6c5823b53",
  "group3-shard1of1": "c684113c879d43de2e9e299e01f02e5d",
  "group4-shard1of1": "fc9596031f5d3038f2d23cc87dc423db",
  "group5-shard1of1": "6eaead1a170b9f4ba9214242aa4d7d8f",
  "group6-shard1of1": "6b647311c53327b349a834161f676bed",
  "group7-shard1of1": "9ab12dc0e324c99bb1bbd29fbf462bfc",
  "group8-shard1of1": "5a32ce195f88d781c60f4d8b7a727631",
  "group9-shard1of1": "a909bf7a5f8b3fa0829ce679052c844f",
  "group10-shard1of1": "460c6efa89f6e2013f08481b8daaf925",
  "group11-shard1of1": "c8cadde945f0706c546e668318fdae6e",
  "group12-shard1of1": "e217d886881be5be808e509fd3153501",
  "group13-shard1of1": "b5017ff79d2d4d6dbe5fd724352d5801",
  "group14-shard1of1": "a6b9c47c7c4efdbd70a5728e401e0720",
  "group15-shard1of1": "a939e018b810c5b2750fda1d9297b50f",
  "group16-shard1of1": "2f7992246c41fe32d90655ae8d7364fd",
  "group17-shard1of1": "ccf4f453ab414e3a6b7b211b6f22208c",
  "group18-shard1of1": "3a405e1a7aee5e5b0c7970cadc4a871e",
  "group19-shard1of1": "14c85ff4d14b705545141f84bb99055c",
  "group20-shard1of1": "603a686d82f578d4a5ecdc8d7b4d3227",
  "group21-shard1of1": "d339ff8e61a8c3e8141156c924bbeb1a",
  "group22-shard1of1": "dc4d164a60f5db06f385cf68ffa5c5c1",
  "group23-shard1of1": "76ab429427eabdc6d23b78613bc0da58",
  "group24-shard1of1": "2ab6f55554d8da4d425ceacaba1c37a4",
  "group25-shard1of1": "ac03d124f5b9300ec6cf7d729a06075f",
  "group26-shard1of1": "e627fb4dd15756d6f6effc79ba382331",
  "group27-shard1of1": "570410e9ca6bf370312a53fbe232969c",
  "group28-shard1of1": "c20d0d3565de73367cfcec8f0ace7e50",
  "group29-shard1of1": "12f0813d3991d63b2c81506b598805c8",
  "group30-shard1of1": "543f82a786d0e777e377ff33353ba175",
  "group31-shard1of1": "c74469f9a9733c9133e5e249910e8062",
  "group32-shard1of1": "ccc81f73b6445889231e16d5c88afc6c",
  "group33-shard1of1": "4ff2037226f8c2c42df870df3f24cbac",
  "group34-shard1of1": "88cae4a0525114b05177b4c003db984b",
  "group35-shard1of1": "4aa8dc1dd277eb6cf2b73a00998539d2",
  "group36-shard1of1": "db3f0c74cb5dde20a74e7ebcecb2c862",
  "group37-shard1of1": "1cf445a9a581f89ce7ccee4996a8e1ad",
  "group38-shard1of1": "c8a91b7623358e27bad9c240c1b9f2e3",
  "group39-shard1of1": "6df9b96f8fb739f03157ddc11fe8e61d",
  "group40-shard1of1": "db152564ea85d0aee10605bd19ee5527",
  "group41-shard1of1": "bd6ee3ae08f7f7794faab9922e2cf0f2",
  "group42-shard1of1": "744fbc6565bfe922c03879f5c6de4466",
  "group43-shard1of1": "f98a7ecec81976b48509940e9a0ce366",
  "group44-shard1of1": "8a0ef2e272801774589888aa05f419e6",
  "group45-shard1of1": "9e56fb58619c1ab9f6030507103459b9",
  "group46-shard1of1": "7d7d29cf253c452ff4fa678d214fc2fe",
  "group47-shard1of1": "1c228f6901e3cf5ca38e9358798bb3ba",
  "group48-shard1of1": "0c4b9210fcc4c4f2a16693213cedaaec",
  "group49-shard1of1": "55f85c65d7e71ed075b061ee0ee7cb03",
  "group50-shard1of1": "d6dda8728381cacd6086c9707cd1ddc6",
  "group51-shard1of1": "d1b3f6d90239ba8ae4917e4d55329f9a",
  "group52-shard1of1": "c1c25b6ebda95bf9ec6a1dd1953eb136",
  "group53-shard1of1": "25e094a091272d4a2d92f66d339ac17f",
  "group54-shard1of1": "70610bb561e8c51e2d5447fb4da7b46c",
  "group55-shard1of1": "144e3620d9a097915618c53872eccd08",
};

/** model.json first, then the weight shards. */
export const MOBILENET_FILES: RemoteFile[] = Object.entries(MD5).map(([name, md5]) => ({ name, folder: MOBILENET_FOLDER, md5, urls: [BASE_URL + name] }));

/** Reads model.json and its shards from a folder into a layers model. */
export async function loadLayersModelFrom(dir: string): Promise<tf.LayersModel> {
  return loadLayersModel((name) => fs.readFileSync(path.join(dir, name)));
}

/** MobileNet v1 0.25 with ImageNet weights, from the cache, the mirror folder or Google's storage (md5-checked). */
export async function load(opts: Partial<ObtainOptions> = {}): Promise<MobileNet> {
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const files: string[] = [];
  for (const f of MOBILENET_FILES) files.push(await obtain(f, o));
  const model = await loadLayersModelFrom(path.dirname(files[0]));
  return new MobileNet(model, IMAGENET_CLASSES, files);
}

/**
 * The same architecture with fresh random weights (no ImageNet training), seeded (the core's untrainedModel).
 * For the comparison "pretrained vs. trained from scratch".
 */
export async function untrained(seed = 0, opts: Partial<ObtainOptions> & { bnMomentum?: number } = {}): Promise<MobileNet> {
  const o: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const jsonFile = await obtain(MOBILENET_FILES[0], o);
  const model = await untrainedModel(fs.readFileSync(jsonFile, "utf8"), seed, opts.bnMomentum);
  return new MobileNet(model, IMAGENET_CLASSES, [jsonFile]);
}
