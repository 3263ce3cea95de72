// Data augmentation on raw image bytes (H×W×C, 0..255): shifts and small rotations.
// Pure JavaScript on purpose: TensorFlow's native backend has no kernel for
// tf.image.rotateWithOffset / tf.image.transform, and a 28×28 image is only 784 bytes.
// torchvision: transforms.RandomAffine(degrees=10, translate=(2/28, 2/28)).
import { Random } from "../random";
import { Augment, ImageDataset } from "./dataset";

type Shape = [number, number, number];

function checkImage(img: Uint8Array, shape: Shape, who: string): void {
  const [h, w, c] = shape;
  if (img.length !== h * w * c) {
    throw new Error(`${who}: image has ${img.length} bytes but shape [${shape}] needs ${h * w * c}`);
  }
}

/**
 * Moves the image by whole pixels: dx > 0 moves it right, dy > 0 moves it down.
 * Pixels that come in from outside are 0 (black); pixels pushed out are lost.
 */
export function shiftImage(img: Uint8Array, shape: Shape, dx: number, dy: number): Uint8Array {
  checkImage(img, shape, "shiftImage");
  const [h, w, c] = shape;
  dx = Math.round(dx);
  dy = Math.round(dy);
  const out = new Uint8Array(h * w * c);
  const x0 = Math.max(0, dx); // first destination column that has a source
  const x1 = Math.min(w, w + dx); // one past the last
  if (x1 <= x0) return out;
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    // one contiguous run per row: destination columns x0..x1-1 come from x0-dx..x1-1-dx
    out.set(img.subarray((sy * w + x0 - dx) * c, (sy * w + x1 - dx) * c), (y * w + x0) * c);
  }
  return out;
}

/**
 * Rotates the image about its centre by `degrees` (positive = counter-clockwise as displayed,
 * like torchvision's rotate), with bilinear interpolation; corners that come from outside are 0.
 */
export function rotateImage(img: Uint8Array, shape: Shape, degrees: number): Uint8Array {
  checkImage(img, shape, "rotateImage");
  const [h, w, c] = shape;
  const out = new Uint8Array(h * w * c);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const snap = (v: number) => (Math.abs(v - Math.round(v)) < 1e-6 ? Math.round(v) : v); // exact at 0°, 90°, …
  // pixel (x, y) of the source, 0 outside the image
  const at = (x: number, y: number, ch: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : img[(y * w + x) * c + ch]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // inverse mapping: where in the source does output pixel (x, y) come from?
      const u = x - cx;
      const v = y - cy;
      const sx = snap(cx + u * cos - v * sin);
      const sy = snap(cy + u * sin + v * cos);
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      const fx = sx - ix;
      const fy = sy - iy;
      for (let ch = 0; ch < c; ch++) {
        const value =
          (1 - fx) * (1 - fy) * at(ix, iy, ch) +
          fx * (1 - fy) * at(ix + 1, iy, ch) +
          (1 - fx) * fy * at(ix, iy + 1, ch) +
          fx * fy * at(ix + 1, iy + 1, ch);
        out[(y * w + x) * c + ch] = Math.min(255, Math.max(0, Math.round(value)));
      }
    }
  }
  return out;
}

/**
 * An augmentation for ImageDataset / DataLoader: rotate by an angle uniform in
 * [-maxDegrees, maxDegrees], then shift by integers uniform in [-maxShift, maxShift] on each axis.
 * All randomness comes from `rng`, so the same seed gives the same images.
 */
export function randomShiftRotate(maxShift = 2, maxDegrees = 10): Augment {
  if (!(Number.isInteger(maxShift) && maxShift >= 0)) throw new Error(`randomShiftRotate: maxShift must be a whole number ≥ 0, got ${maxShift}`);
  if (!(maxDegrees >= 0 && Number.isFinite(maxDegrees))) throw new Error(`randomShiftRotate: maxDegrees must be ≥ 0, got ${maxDegrees}`);
  return (image, shape, rng) => {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    const degrees = (2 * rng.next() - 1) * maxDegrees;
    const rotated = maxDegrees > 0 ? rotateImage(image, shape, degrees) : image;
    return shiftImage(rotated, shape, dx, dy);
  };
}

/** A new dataset with `augment` applied once to every image (seeded: the same seed, the same images). */
export function augmentedCopy(dataset: ImageDataset, augment: Augment, seed = 0): ImageDataset {
  const rng = new Random(seed);
  const per = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const images = new Uint8Array(dataset.length * per);
  for (let i = 0; i < dataset.length; i++) {
    const img = augment(Uint8Array.from(dataset.image(i)), dataset.shape, rng);
    if (img.length !== per) throw new Error(`augmentedCopy: augment returned ${img.length} bytes for an image of ${per}`);
    images.set(img, i * per);
  }
  return new ImageDataset(images, dataset.labels.slice(), dataset.shape, dataset.transform, dataset.classes, dataset.augment);
}

/** The same dataset with every image shifted by (dx, dy) pixels, e.g. a shifted test set. Keeps the transform. */
export function shiftedCopy(dataset: ImageDataset, dx: number, dy: number): ImageDataset {
  return augmentedCopy(dataset, (img, shape) => shiftImage(img, shape, dx, dy));
}
