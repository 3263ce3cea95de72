// Photos from files: images.* of the node face. What is pure (jpeg-js decoding, resize and crops, augmentation,
// normalization, the ImageFolder dataset built from bytes, photo grids) is lib/core/data/images.ts, re-exported
// here; this file adds Node's part: TensorFlow's own decoder on the native backend (tf.node.decodeImage), pngjs for
// PNG, and reading a folder tree from disk.
//   const train_set = await datasets.ImageFolder({ root: ".../train", resize: 256, crop: 224, transform: mobilenetNormalize() });
// PyTorch: datasets.ImageFolder(root, transforms.Compose([Resize(256), CenterCrop(224), ToTensor(), Normalize(mean, std)]))
// Decoding: TensorFlow's decoder on the native backend, jpeg-js (the site's decoder too) and pngjs on wasm/cpu.
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { decodeImageBytes, FolderListing, ImageFolderDataset, imageFolderFrom, PhotoOptions, PlatformDecoder, RawImage, toRgb } from "../../core/data/images";

export * from "../../core/data/images";

type NodeDecode = (bytes: Uint8Array, channels?: number) => tf.Tensor3D | tf.Tensor4D;

function nativeDecoder(): NodeDecode | null {
  if (tf.getBackend() !== "tensorflow") return null;
  try {
    // the package the backend module loaded (tfjs-node-gpu when installed)
    let mod: { node?: { decodeImage?: NodeDecode } };
    try {
      mod = require("@tensorflow/tfjs-node-gpu");
    } catch {
      mod = require("@tensorflow/tfjs-node");
    }
    return mod.node?.decodeImage ?? null;
  } catch {
    return null;
  }
}

/** Which decoder decodeImage() uses on the current backend. */
export function decoderName(): string {
  return nativeDecoder() ? "TensorFlow (tf.node.decodeImage)" : "JavaScript (jpeg-js / pngjs)";
}

/** Node's decoders for the core's decodeImageBytes: TensorFlow's on the native backend (unless "js"), pngjs for PNG; JPEG otherwise by jpeg-js. */
function nodeDecoder(choice?: "native" | "js"): PlatformDecoder {
  const native = choice === "js" ? null : nativeDecoder();
  if (choice === "native" && !native) throw new Error("decodeImage: the native decoder needs the tensorflow backend");
  return (bytes, format) => {
    if (native) {
      const t = native(bytes, 3) as tf.Tensor3D;
      try {
        const [h, w, c] = t.shape;
        return { data: toRgb(new Uint8Array(t.dataSync()), h, w, c), shape: [h, w, 3] }; // (tfjs-node gives int32)
      } finally {
        t.dispose();
      }
    }
    if (format === "jpeg") return null; // jpeg-js, in the core
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { PNG } = require("pngjs") as typeof import("pngjs");
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { data: toRgb(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), png.height, png.width, 4), shape: [png.height, png.width, 3] };
  };
}

/**
 * Decodes a JPEG or PNG file's bytes to RGB bytes. Anything else (a GIF, an HTML error page, a cut-off file)
 * is an error whose message starts with `file`.
 */
export function decodeImage(bytes: Uint8Array, file = "image", opts: { decoder?: "native" | "js" } = {}): RawImage {
  return decodeImageBytes(bytes, file, nodeDecoder(opts.decoder));
}

/** Reads and decodes one image file. */
export function readImage(file: string, opts: { decoder?: "native" | "js" } = {}): RawImage {
  return decodeImage(fs.readFileSync(file), file, opts);
}

// ---------------------------------------------------------------- ImageFolder

export interface ImageFolderOptions extends PhotoOptions {
  /** a folder with one sub-folder per class: root/ants/*.jpg, root/bees/*.jpg */
  root: string;
  /** "js" forces the JavaScript decoders (tests); default: TensorFlow's on the native backend */
  decoder?: "native" | "js";
}

/** Sorted by code unit, as Python's sorted() (torchvision sorts class folders that way). */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The files of a folder tree as ImageFolder reads them: class = sub-folder of `root`, classes sorted by name (index
 * 0 = first), files sorted within a class (sub-folders included, names starting with "." left out). Also the
 * site's list of its photos (scripts/site-data.ts), so that the site reads them in the same order.
 */
export function listImageFolder(root: string): FolderListing {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`ImageFolder: ${root} is not a folder`);
  const classes = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort(byName);
  if (classes.length === 0) throw new Error(`ImageFolder: ${root} has no sub-folders (one per class, e.g. ${root}/ants/)`);
  if (classes.length > 256) throw new Error(`ImageFolder: ${root} has ${classes.length} sub-folders; at most 256 classes`);
  const files: [string, number][] = [];
  classes.forEach((c, k) => {
    const walk = (dir: string): void => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => byName(a.name, b.name))) {
        if (d.name.startsWith(".")) continue;
        const p = path.join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else if (d.isFile()) files.push([p, k]);
      }
    };
    walk(path.join(root, c));
  });
  return { root, classes, files };
}

/**
 * datasets.ImageFolder: the folder's files (listImageFolder), each decoded, resized (shorter side `resize`) and
 * center-cropped (`crop`), and kept as bytes (the core's imageFolderFrom). A file that is not a JPEG/PNG, or that
 * cannot be decoded, is skipped with one line naming it.
 */
export async function ImageFolder(opts: ImageFolderOptions): Promise<ImageFolderDataset> {
  const listing = listImageFolder(opts.root);
  return imageFolderFrom(listing, (file) => fs.readFileSync(file), { ...opts, decoder: nodeDecoder(opts.decoder) });
}
