// Photos as data, in memory: decoding JPEG (jpeg-js), resizing and cropping, augmentation, normalization, the
// ImageFolder dataset built from files' bytes, and photo grids. Pure JavaScript and TensorFlow.js, so the node
// edition (lib/node/data/images.ts: files, TensorFlow's own decoder, PNG) and the site (lib/browser/data.ts: files
// fetched from the site) make the same pixels from the same JPEG.
// PyTorch: datasets.ImageFolder(root, transforms.Compose([Resize(256), CenterCrop(224), ToTensor(), Normalize(mean, std)]))
// Every image is brought to 3 channels (RGB): grey photos are repeated, alpha is dropped. Geometry (resize, crops,
// flips) is done here in JavaScript on bytes, so it is the same on every backend. The dataset keeps every image at
// one size as bytes (ImageDataset); tensors are made per batch.
import * as tf from "@tensorflow/tfjs";
import * as jpeg from "jpeg-js";
import { toBase64 } from "../bytes";
import { Figure, imageGrid, showFigure } from "../plot";
import type { Random } from "../random";
import { Augment, ImageDataset } from "./dataset";
import { nextTurn } from "./loader";
import type { Transform } from "./transforms";

export type Shape = [number, number, number];

/** One decoded image: bytes H×W×C, row after row, channels last. */
export interface RawImage {
  data: Uint8Array;
  shape: Shape;
}

// ---------------------------------------------------------------- decoding

/** "jpeg", "png", or null for anything else (by the file's first bytes, not its name). */
export function imageFormat(bytes: Uint8Array): "jpeg" | "png" | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  return null;
}

function describeStart(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, 6));
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  return /^[\x20-\x7e]+$/.test(head) ? `starts with "${head}"` : `starts with bytes ${hex}`;
}

/** Bytes H×W×c (c = 1, 2, 3 or 4) as H×W×3: grey repeated, alpha dropped. */
export function toRgb(src: Uint8Array, h: number, w: number, c: number): Uint8Array {
  if (c === 3) return src;
  const out = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    if (c === 1 || c === 2) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = src[c * i];
    else for (let k = 0; k < 3; k++) out[3 * i + k] = src[c * i + k];
  }
  return out;
}

/** Another decoder for a format (the node edition's TensorFlow decoder, its PNG reader), or null to leave it to jpeg-js. */
export type PlatformDecoder = (bytes: Uint8Array, format: "jpeg" | "png") => RawImage | null;

/**
 * Decodes a JPEG or PNG file's bytes to RGB bytes: `decoder` first when given, else JPEG by jpeg-js (pure
 * JavaScript). Anything else (a GIF, an HTML error page, a cut-off file, a PNG without a decoder) is an error whose
 * message starts with `file`.
 */
export function decodeImageBytes(bytes: Uint8Array, file = "image", decoder?: PlatformDecoder): RawImage {
  const format = imageFormat(bytes);
  if (format === null) throw new Error(`${file}: not a JPEG or PNG image (${bytes.length === 0 ? "the file is empty" : describeStart(bytes)})`);
  try {
    const decoded = decoder?.(bytes, format);
    if (decoded) return decoded;
    if (format === "png") throw new Error("no PNG decoder here");
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
    return { data: img.data, shape: [img.height, img.width, 3] };
  } catch (e) {
    let msg = String((e as Error)?.message ?? e).split("\n")[0];
    if (/TF_Status/.test(msg)) msg = `TensorFlow's decoder refused the data: ${msg}`;
    throw new Error(`${file}: cannot decode this ${format.toUpperCase()} (${msg}); the file is damaged or cut off`);
  }
}

// ---------------------------------------------------------------- geometry (bytes in, bytes out)

/**
 * Resamples along one axis with a triangle (bilinear) filter whose support widens when shrinking, so that a
 * large photo made small is averaged, not aliased (what PIL's Image.resize(BILINEAR) does; torchvision's Resize).
 */
function resampleAxis(src: Float32Array, outer: number, n: number, inner: number, m: number): Float32Array {
  const out = new Float32Array(outer * m * inner);
  const scale = n / m;
  const support = Math.max(1, scale);
  // the taps of every output position: first input index, count, normalized weights
  const maxTaps = Math.ceil(2 * support) + 2;
  const first = new Int32Array(m);
  const count = new Int32Array(m);
  const weights = new Float64Array(m * maxTaps);
  for (let j = 0; j < m; j++) {
    const center = (j + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(n, Math.ceil(center + support));
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const w = Math.max(0, 1 - Math.abs((i + 0.5 - center) / support));
      weights[j * maxTaps + i - lo] = w;
      sum += w;
    }
    for (let k = 0; k < hi - lo; k++) weights[j * maxTaps + k] /= sum;
    first[j] = lo;
    count[j] = hi - lo;
  }
  for (let o = 0; o < outer; o++) {
    const srcRow = o * n * inner;
    const outRow = o * m * inner;
    for (let j = 0; j < m; j++) {
      const dst = outRow + j * inner;
      const wBase = j * maxTaps;
      for (let k = 0; k < count[j]; k++) {
        const w = weights[wBase + k];
        if (w === 0) continue;
        const s = srcRow + (first[j] + k) * inner;
        for (let c = 0; c < inner; c++) out[dst + c] += w * src[s + c];
      }
    }
  }
  return out;
}

/** Resizes to exactly [height, width] (bilinear, antialiased when shrinking). */
export function resizeImage(img: RawImage, [H, W]: [number, number]): RawImage {
  const [h, w, c] = img.shape;
  if (h === H && w === W) return { data: new Uint8Array(img.data), shape: [h, w, c] };
  let f = new Float32Array(img.data); // (new, not .from: .from copies element by element through an iterator, many times slower)
  if (W !== w) f = resampleAxis(f, h, w, c, W); // rows: [h][w→W][c]
  if (H !== h) f = resampleAxis(f, 1, h, W * c, H); // columns: [h→H][W·c]
  const data = new Uint8Array(H * W * c);
  // rounded to nearest, clamped to 0..255 (Math.round's result: floor(v + 0.5), exact for float32 values); no global
  // (Math) is looked up per pixel, which is slow where code runs in a vm context (jest): 8× for this function
  for (let i = 0; i < data.length; i++) {
    const v = f[i];
    data[i] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
  }
  return { data, shape: [H, W, c] };
}

/** transforms.Resize(size): the shorter side becomes `size`, the aspect ratio is kept. */
export function resizeShorter(img: RawImage, size: number): RawImage {
  const [h, w] = img.shape;
  const [H, W] = h <= w ? [size, Math.max(1, Math.round((w * size) / h))] : [Math.max(1, Math.round((h * size) / w)), size];
  return resizeImage(img, [H, W]);
}

/** The [height, width] window at (top, left). */
export function cropImage(img: RawImage, top: number, left: number, height: number, width: number): RawImage {
  const [h, w, c] = img.shape;
  if (top < 0 || left < 0 || top + height > h || left + width > w) {
    throw new Error(`crop ${height}×${width} at (${top}, ${left}) does not fit in an image of ${h}×${w}`);
  }
  const data = new Uint8Array(height * width * c);
  for (let y = 0; y < height; y++) data.set(img.data.subarray(((top + y) * w + left) * c, ((top + y) * w + left + width) * c), y * width * c);
  return { data, shape: [height, width, c] };
}

/** transforms.CenterCrop(size): the middle size×size (the image must be at least that big). */
export function centerCrop(img: RawImage, size: number): RawImage {
  const [h, w] = img.shape;
  return cropImage(img, Math.round((h - size) / 2), Math.round((w - size) / 2), Math.min(size, h), Math.min(size, w));
}

/** Mirror image (left ↔ right). */
export function flipHorizontal(img: RawImage): RawImage {
  const [h, w, c] = img.shape;
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = img.data[(y * w + (w - 1 - x)) * c + k];
  return { data, shape: img.shape };
}

// ---------------------------------------------------------------- augmentation (keeps the image's size)

/** transforms.RandomHorizontalFlip(p): mirrors the image with probability p. */
export function randomHorizontalFlip(p = 0.5): Augment {
  return (image, shape, rng) => (rng.next() < p ? flipHorizontal({ data: image, shape }).data : image);
}

/**
 * transforms.RandomCrop(size, padding): pads `padding` pixels of black on every side and takes a random window
 * of the original size (CIFAR-10's usual augmentation: padding 4 on 32×32).
 */
export function randomCrop(padding = 4): Augment {
  return (image, [h, w, c], rng) => {
    const dy = rng.int(2 * padding + 1) - padding;
    const dx = rng.int(2 * padding + 1) - padding;
    const out = new Uint8Array(image.length);
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx = x + dx;
        if (sx < 0 || sx >= w) continue;
        for (let k = 0; k < c; k++) out[(y * w + x) * c + k] = image[(sy * w + sx) * c + k];
      }
    }
    return out;
  };
}

/**
 * transforms.RandomResizedCrop(size, scale): a random window covering `scale` of the area (aspect ratio 3/4 to 4/3),
 * resized back to the image's size. The augmentation of PyTorch's transfer-learning tutorial.
 */
export function randomResizedCrop(scale: [number, number] = [0.5, 1]): Augment {
  return (image, [h, w, c], rng: Random) => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = h * w * (scale[0] + (scale[1] - scale[0]) * rng.next());
      const ratio = Math.exp(Math.log(3 / 4) + (Math.log(4 / 3) - Math.log(3 / 4)) * rng.next());
      const cw = Math.round(Math.sqrt(area * ratio));
      const ch = Math.round(Math.sqrt(area / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        const crop = cropImage({ data: image, shape: [h, w, c] }, rng.int(h - ch + 1), rng.int(w - cw + 1), ch, cw);
        return resizeImage(crop, [h, w]).data;
      }
    }
    return image;
  };
}

// ---------------------------------------------------------------- normalization (tensors, per batch)

/** ImageNet's per-channel mean and std of pixels in [0, 1] (torchvision's pretrained models expect them). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** ToTensor + Normalize(IMAGENET_MEAN, IMAGENET_STD): pixels 0..255 → (x/255 − mean) / std. */
export function imagenetNormalize(): Transform {
  return (x) => tf.tidy(() => tf.div(tf.sub(tf.div(tf.cast(x, "float32"), 255), tf.tensor1d(IMAGENET_MEAN)), tf.tensor1d(IMAGENET_STD)));
}

/** What MobileNet (TensorFlow's, and this library's mobilenet.ts) expects: pixels 0..255 → [-1, 1] (x/127.5 − 1). */
export function mobilenetNormalize(): Transform {
  return (x) => tf.tidy(() => tf.sub(tf.div(tf.cast(x, "float32"), 127.5), 1));
}

// ---------------------------------------------------------------- ImageFolder

/** How photos become a dataset: datasets.ImageFolder's options, less where the files are. */
export interface PhotoOptions {
  /** the shorter side of every image becomes this (transforms.Resize); default 256 */
  resize?: number;
  /** then the middle crop×crop is kept (transforms.CenterCrop); default 224. Every image ends up crop×crop×3 */
  crop?: number;
  /** applied to each batch's tensor (e.g. mobilenetNormalize()) */
  transform?: Transform;
  /** applied to each image's bytes when a batch is made (training only: randomHorizontalFlip(), ...) */
  augment?: Augment;
  /** where the warnings about skipped files go; default console.log */
  log?: (line: string) => void;
}

/** The files of an image folder, in order: the class names (sorted) and every file with its class index. */
export interface FolderListing {
  root: string;
  classes: string[];
  files: [file: string, label: number][];
}

/** An ImageDataset read from a folder tree, with the file of every image and the files it skipped. */
export class ImageFolderDataset extends ImageDataset {
  constructor(
    images: Uint8Array,
    labels: Uint8Array,
    shape: Shape,
    transform: Transform | undefined,
    classes: string[],
    augment: Augment | undefined,
    /** the file of image i */
    readonly files: string[],
    /** files that were not images (or could not be decoded), with the reason */
    readonly skipped: { file: string; reason: string }[],
    readonly root: string,
  ) {
    super(images, labels, shape, transform, classes, augment);
  }

  /** The number of images of each class, in class order. */
  counts(): number[] {
    const n = new Array(this.classes!.length).fill(0);
    for (const l of this.labels) n[l] += 1;
    return n;
  }

  override with(opts: { transform?: Transform; augment?: Augment | undefined }): ImageFolderDataset {
    return new ImageFolderDataset(
      this.images,
      this.labels,
      this.shape,
      "transform" in opts ? opts.transform : this.transform,
      this.classes!,
      "augment" in opts ? opts.augment : this.augment,
      this.files,
      this.skipped,
      this.root,
    );
  }
}

/**
 * The dataset of a folder's listing (datasets.ImageFolder; the site's photos): each file's bytes (`read`) decoded
 * (decodeImageBytes, with `decoder` when given), resized (shorter side `resize`) and center-cropped (`crop`), kept as
 * bytes. A file that cannot be read, is not a JPEG/PNG, or cannot be decoded is skipped with one line naming it.
 */
export async function imageFolderFrom(
  listing: FolderListing,
  read: (file: string) => Uint8Array | Promise<Uint8Array>,
  opts: PhotoOptions & { decoder?: PlatformDecoder } = {},
): Promise<ImageFolderDataset> {
  const { root, classes } = listing;
  const log = opts.log ?? ((s: string) => console.log(s));
  const resize = opts.resize ?? 256;
  const crop = opts.crop ?? 224;
  if (crop > resize) throw new Error(`ImageFolder: crop ${crop} is larger than resize ${resize}`);
  const per = crop * crop * 3;
  const images = new Uint8Array(listing.files.length * per);
  const labels: number[] = [];
  const files: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (let i = 0; i < listing.files.length; i++) {
    const [file, k] = listing.files[i];
    let img: RawImage;
    try {
      img = decodeImageBytes(await read(file), file, opts.decoder);
    } catch (e) {
      const reason = (e as Error).message.startsWith(file) ? (e as Error).message.slice(file.length + 2) : (e as Error).message;
      skipped.push({ file, reason });
      log(`警告: 画像ではないファイルを飛ばしました / skipped a file that is not an image: ${file} (${reason})`);
      continue;
    }
    const small = centerCrop(resizeShorter(img, resize), crop);
    images.set(small.data, files.length * per);
    labels.push(k);
    files.push(file);
    if (i % 32 === 31) await nextTurn(); // let the kernel breathe (display, interrupts)
  }
  if (files.length === 0) throw new Error(`ImageFolder: no JPEG or PNG images under ${root}`);
  return new ImageFolderDataset(images.slice(0, files.length * per), Uint8Array.from(labels), [crop, crop, 3], opts.transform, classes, opts.augment, files, skipped, root);
}

// ---------------------------------------------------------------- showing photos

/** A photo (bytes H×W×3) as a JPEG data URI, shrunk so its longer side is at most `maxSide` (small notebooks). */
export function jpegDataUri(image: Uint8Array, shape: Shape, maxSide = 160, quality = 85): string {
  let img: RawImage = { data: image, shape };
  const [h, w] = shape;
  if (Math.max(h, w) > maxSide) img = resizeImage(img, [Math.max(1, Math.round((h * maxSide) / Math.max(h, w))), Math.max(1, Math.round((w * maxSide) / Math.max(h, w)))]);
  const [H, W, c] = img.shape;
  const rgba = new Uint8Array(H * W * 4);
  for (let i = 0; i < H * W; i++) {
    for (let k = 0; k < 3; k++) rgba[4 * i + k] = img.data[c * i + (c === 1 ? 0 : k)];
    rgba[4 * i + 3] = 255;
  }
  // jpeg-js's encoder returns a Node Buffer when bundled as CommonJS: a browser bundle provides one (the site's
  // site/kernel/shims/buffer.ts); its bytes are all that is read here
  return `data:image/jpeg;base64,${toBase64(jpeg.encode({ data: rgba, width: W, height: H }, quality).data)}`;
}

export interface PhotoGridOptions {
  /** which examples (default: the first 12) */
  indices?: number[];
  /** predicted class of every example of the dataset (dataset order): titles "正解 ants / 予測 bees", mistakes in red */
  pred?: ArrayLike<number>;
  cols?: number;
  title?: string;
  /** longer side of each photo in the figure, in pixels (default 160) */
  size?: number;
}

/**
 * A grid of photos with their labels (and predictions), small enough for a notebook: each photo is a JPEG inside
 * plotly's image trace (`source`), not a table of pixel values as plot.imageGrid writes for small images.
 */
export function photoGrid(dataset: ImageDataset, opts: PhotoGridOptions = {}): Figure {
  const indices = opts.indices ?? Array.from({ length: Math.min(12, dataset.length) }, (_, i) => i);
  const name = (k: number) => dataset.classes?.[k] ?? String(k);
  const pred = opts.pred;
  const titles = indices.map((i) => (pred ? `正解 ${name(dataset.labels[i])} / 予測 ${name(pred[i])}` : name(dataset.labels[i])));
  const wrong = pred ? indices.map((i) => pred[i] !== dataset.labels[i]) : undefined;
  const tiny = indices.map(() => new Uint8Array(3));
  const cols = opts.cols ?? 4;
  const fig = imageGrid(tiny, { shape: [1, 1, 3], titles, wrong, cols, title: opts.title });
  fig.data = fig.data.map((t, k) => {
    const { z: _z, ...rest } = t;
    void _z;
    return { ...rest, source: jpegDataUri(dataset.image(indices[k]), dataset.shape, opts.size ?? 160), hoverinfo: "skip" };
  });
  const rows = Math.ceil(indices.length / cols);
  fig.layout.height = rows * 230 + (opts.title ? 60 : 20);
  return fig;
}

/** Shows photoGrid(dataset, opts). */
export function showPhotos(dataset: ImageDataset, opts: PhotoGridOptions = {}): void {
  showFigure(photoGrid(dataset, opts));
}
