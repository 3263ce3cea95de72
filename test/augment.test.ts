import { augmentedCopy, randomShiftRotate, rotateImage, shiftedCopy, shiftImage } from "../lib/core/data/augment";
import { ImageDataset } from "../lib/core/data/dataset";
import type { Transform } from "../lib/core/data/transforms";
import { Random } from "../lib/core/random";

const S: [number, number, number] = [28, 28, 1];

/** A single bright pixel at (x, y). */
function dot(x: number, y: number, shape = S): Uint8Array {
  const img = new Uint8Array(shape[0] * shape[1] * shape[2]);
  img[(y * shape[1] + x) * shape[2]] = 255;
  return img;
}

/** A digit-like "7": a top bar and a slanted stroke. */
function seven(): Uint8Array {
  const img = new Uint8Array(784);
  for (let x = 8; x < 20; x++) for (let y = 6; y < 8; y++) img[y * 28 + x] = 220;
  for (let y = 8; y < 22; y++) {
    const x = Math.round(19 - (y - 8) * 0.5);
    img[y * 28 + x] = 255;
    img[y * 28 + x - 1] = 180;
  }
  return img;
}

describe("shiftImage", () => {
  test("moves a single bright pixel exactly (dx > 0 right, dy > 0 down)", () => {
    const out = shiftImage(dot(10, 12), S, 3, -2);
    expect(out.length).toBe(784);
    expect(out[10 * 28 + 13]).toBe(255);
    expect(out.reduce((s, v) => s + v, 0)).toBe(255);
  });
  test("fills with zeros and drops what leaves the frame", () => {
    expect(shiftImage(dot(27, 5), S, 1, 0).every((v) => v === 0)).toBe(true);
    const full = new Uint8Array(784).fill(7);
    const out = shiftImage(full, S, -2, 1);
    expect(out[0]).toBe(0); // row 0 came from outside
    expect(out[1 * 28 + 25]).toBe(7);
    expect(out[1 * 28 + 26]).toBe(0); // columns 26, 27 came from outside
    expect(out.filter((v) => v === 7).length).toBe(27 * 26);
  });
  test("keeps the channels of a colour image together", () => {
    const shape: [number, number, number] = [4, 5, 3];
    const img = new Uint8Array(60);
    img.set([1, 2, 3], (1 * 5 + 1) * 3);
    const out = shiftImage(img, shape, 2, 1);
    expect(Array.from(out.subarray((2 * 5 + 3) * 3, (2 * 5 + 3) * 3 + 3))).toEqual([1, 2, 3]);
  });
  test("rejects an image whose length does not match the shape", () => {
    expect(() => shiftImage(new Uint8Array(10), S, 1, 1)).toThrow(/784/);
  });
});

describe("rotateImage", () => {
  test("0° is the identity", () => {
    const img = seven();
    expect(Array.from(rotateImage(img, S, 0))).toEqual(Array.from(img));
  });
  test("90° turns a small asymmetric image counter-clockwise (np.rot90) within rounding", () => {
    const shape: [number, number, number] = [5, 5, 1];
    const img = Uint8Array.from({ length: 25 }, (_, i) => (i * 37) % 256);
    const out = rotateImage(img, shape, 90);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) expect(Math.abs(out[y * 5 + x] - img[x * 5 + (4 - y)])).toBeLessThanOrEqual(1);
    }
    // -90° is the other way round, and 4 × 90° is back to the start
    const back = rotateImage(out, shape, -90);
    expect(Array.from(back)).toEqual(Array.from(img));
  });
  test("180° of an even-sized image flips both axes", () => {
    const shape: [number, number, number] = [4, 6, 1];
    const img = Uint8Array.from({ length: 24 }, (_, i) => i * 10);
    const out = rotateImage(img, shape, 180);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) expect(out[y * 6 + x]).toBe(img[(3 - y) * 6 + (5 - x)]);
  });
  test("a small angle keeps length, range and roughly the total intensity", () => {
    const img = seven();
    const out = rotateImage(img, S, 10);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out.length).toBe(784);
    const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum(out) / sum(img) - 1)).toBeLessThan(0.1);
    expect(Array.from(out)).not.toEqual(Array.from(img));
  });
});

describe("randomShiftRotate", () => {
  test("is deterministic for the same seed and varies between seeds", () => {
    const aug = randomShiftRotate();
    const img = seven();
    const a = aug(Uint8Array.from(img), S, new Random(5));
    const b = aug(Uint8Array.from(img), S, new Random(5));
    expect(Array.from(a)).toEqual(Array.from(b));
    const outs = new Set([1, 2, 3, 4, 5, 6].map((s) => Array.from(aug(Uint8Array.from(img), S, new Random(s))).join()));
    expect(outs.size).toBeGreaterThan(1);
  });
  test("shifts by at most maxShift on each axis (no rotation)", () => {
    const aug = randomShiftRotate(2, 0);
    const rng = new Random(1);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const out = aug(dot(14, 14), S, rng);
      const k = out.indexOf(255);
      const [dx, dy] = [(k % 28) - 14, Math.floor(k / 28) - 14];
      expect(Math.abs(dx)).toBeLessThanOrEqual(2);
      expect(Math.abs(dy)).toBeLessThanOrEqual(2);
      seen.add(`${dx},${dy}`);
    }
    expect(seen.size).toBe(25); // every shift in [-2, 2]² occurs
  });
  test("rejects a negative or fractional maxShift", () => {
    expect(() => randomShiftRotate(-1)).toThrow(/maxShift/);
    expect(() => randomShiftRotate(1.5)).toThrow(/maxShift/);
  });
});

describe("shiftedCopy / augmentedCopy", () => {
  const transform: Transform = (x) => x;
  const ds = new ImageDataset(Uint8Array.from([...dot(3, 4), ...dot(20, 20)]), Uint8Array.from([7, 1]), S, transform);
  test("shifts every image, keeps labels and transform, leaves the original alone", () => {
    const sh = shiftedCopy(ds, 2, 1);
    expect(sh.length).toBe(2);
    expect(sh.image(0)[5 * 28 + 5]).toBe(255);
    expect(sh.image(1)[21 * 28 + 22]).toBe(255);
    expect(Array.from(sh.labels)).toEqual([7, 1]);
    expect(sh.transform).toBe(transform);
    expect(ds.image(0)[4 * 28 + 3]).toBe(255);
  });
  test("augmentedCopy is reproducible for a seed", () => {
    const a = augmentedCopy(ds, randomShiftRotate(), 3);
    const b = augmentedCopy(ds, randomShiftRotate(), 3);
    expect(Array.from(a.images)).toEqual(Array.from(b.images));
  });
});
