// The ants/bees photos of PyTorch's transfer-learning tutorial ("hymenoptera_data"):
//   train: 124 ants + 121 bees files (one of the ants is a GIF placeholder, imageNotFound.gif), val: 70 ants + 83 bees.
// The zip comes from the cache, the mirror folder ($LECTURE3_DATA_MIRROR/hymenoptera_data.zip or .../hymenoptera/...),
// or PyTorch's download server, and is unpacked into datasets/hymenoptera/unpacked/ (atomically, see archive.ts).
// PyTorch has no published checksum for this zip, so it is used as found; a damaged one fails to unpack with its name.
import * as path from "path";
import { datasetsRoot } from "../paths";
import { unpack } from "./archive";
import { ImageFolder, ImageFolderDataset, ImageFolderOptions } from "./images";
import { obtain, ObtainOptions, RemoteFile } from "./sources";

export const HYMENOPTERA_FILE: RemoteFile = {
  name: "hymenoptera_data.zip",
  folder: "hymenoptera",
  urls: ["https://download.pytorch.org/tutorial/hymenoptera_data.zip"],
};

/** The unpacked folder holding train/ and val/ (fetching and unpacking the zip the first time). */
export async function hymenopteraFolder(opts: Partial<ObtainOptions> = {}): Promise<string> {
  const obtainOptions: ObtainOptions = { ...opts, root: opts.root ?? datasetsRoot() };
  const zip = await obtain(HYMENOPTERA_FILE, obtainOptions);
  const dest = unpack(zip, path.join(obtainOptions.root, HYMENOPTERA_FILE.folder, "unpacked"), { log: obtainOptions.log });
  return path.join(dest, "hymenoptera_data");
}

export interface HymenopteraOptions extends Partial<ObtainOptions>, Omit<ImageFolderOptions, "root" | "log"> {
  /** the training photos (default) or the validation photos */
  train?: boolean;
}

/** The ants/bees photos as an ImageFolder dataset (classes ["ants", "bees"]), resized and center-cropped. */
export async function Hymenoptera(opts: HymenopteraOptions = {}): Promise<ImageFolderDataset> {
  const folder = await hymenopteraFolder(opts);
  return ImageFolder({ ...opts, root: path.join(folder, opts.train === false ? "val" : "train") });
}
