// lib/data/images.ts: JPEG/PNG decoding on both decoders, geometry, augmentation, normalization, ImageFolder, photo grids.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import {
  centerCrop, cropImage, decodeImage, flipHorizontal, ImageFolder, imagenetNormalize, mobilenetNormalize, photoGrid,
  randomCrop, randomHorizontalFlip, randomResizedCrop, readImage, resizeImage, resizeShorter,
} from "../lib/node/data/images";
import { DataLoader } from "../lib/core/data/loader";
import { Random } from "../lib/core/random";
import { GIF, jpegFile, pattern, pngFile } from "./fixtures";
import { backend } from "./helpers";

beforeAll(backend);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lecture3-images-"));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const DECODERS = ["native", "js"] as const;

describe("decodeImage", () => {
  const img = pattern(12, 20);
  test.each(DECODERS)("PNG (%s decoder): exact pixels; grey and RGBA become RGB", (decoder) => {
    const a = decodeImage(pngFile(img, 12, 20), "p.png", { decoder });
    expect(a.shape).toEqual([12, 20, 3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(maxDiff(a.data, img)).toBe(0);
    const grey = decodeImage(pngFile(Uint8Array.from({ length: 6 }, (_, i) => 40 * i), 2, 3, 1), "g.png", { decoder });
    expect(Array.from(grey.data.subarray(0, 6))).toEqual([0, 0, 0, 40, 40, 40]);
    const rgba = decodeImage(pngFile(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 1, 2, 4), "a.png", { decoder });
    expect(Array.from(rgba.data)).toEqual([1, 2, 3, 5, 6, 7]);
  });
  test.each(DECODERS)("JPEG (%s decoder): close to the pixels encoded", (decoder) => {
    const a = decodeImage(jpegFile(img, 12, 20), "j.jpg", { decoder });
    expect(a.shape).toEqual([12, 20, 3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(maxDiff(a.data, img)).toBeLessThan(40);
  });
  test.each(DECODERS)("a corrupt or truncated JPEG is an error naming the file (%s decoder)", (decoder) => {
    const good = jpegFile(img, 12, 20);
    expect(() => decodeImage(good.subarray(0, good.length >> 1), "/photos/cut.jpg", { decoder })).toThrow(/^\/photos\/cut\.jpg: cannot decode this JPEG .*damaged or cut off/);
    const garbled = Buffer.from(good);
    garbled.fill(0xff, 150, 260);
    expect(() => decodeImage(garbled, "/photos/garbled.jpg", { decoder })).toThrow(/^\/photos\/garbled\.jpg: cannot decode this JPEG/);
  });
  test("a GIF, an empty file and text are not images", () => {
    expect(() => decodeImage(GIF, "x/imageNotFound.gif")).toThrow(/^x\/imageNotFound\.gif: not a JPEG or PNG image \(starts with "GIF89a"\)/);
    expect(() => decodeImage(new Uint8Array(0), "empty.jpg")).toThrow(/empty\.jpg: not a JPEG or PNG image \(the file is empty\)/);
    expect(() => decodeImage(Buffer.from("<html>404</html>"), "page.jpg")).toThrow(/page\.jpg: not a JPEG or PNG image \(starts with "<html>"\)/);
  });
});

describe("geometry", () => {
  const img = { data: pattern(6, 8), shape: [6, 8, 3] as [number, number, number] };
  test("resize: a flat image stays flat; shrinking averages (antialiased); the same size is a copy", () => {
    const flat = { data: new Uint8Array(30 * 40 * 3).fill(77), shape: [30, 40, 3] as [number, number, number] };
    expect(new Set(resizeImage(flat, [7, 9]).data)).toEqual(new Set([77]));
    const stripes = { data: Uint8Array.from({ length: 16 * 3 }, (_, i) => (Math.floor(i / 3) % 2 ? 255 : 0)), shape: [1, 16, 3] as [number, number, number] };
    const small = resizeImage(stripes, [1, 4]);
    for (const v of small.data) expect(Math.abs(v - 127.5)).toBeLessThan(20); // not 0 or 255 as plain sampling would give
    const same = resizeImage(img, [6, 8]);
    expect(same.data).toEqual(img.data);
    expect(same.data).not.toBe(img.data);
  });
  test("resizeShorter keeps the aspect ratio; centerCrop takes the middle; flip mirrors", () => {
    expect(resizeShorter({ data: new Uint8Array(375 * 500 * 3), shape: [375, 500, 3] }, 256).shape).toEqual([256, 341, 3]);
    expect(resizeShorter({ data: new Uint8Array(500 * 375 * 3), shape: [500, 375, 3] }, 256).shape).toEqual([341, 256, 3]);
    const c = centerCrop(img, 4);
    expect(c.shape).toEqual([4, 4, 3]);
    expect(Array.from(c.data.subarray(0, 3))).toEqual(Array.from(img.data.subarray((1 * 8 + 2) * 3, (1 * 8 + 2) * 3 + 3)));
    const f = flipHorizontal(img);
    expect(Array.from(f.data.subarray(0, 3))).toEqual(Array.from(img.data.subarray(7 * 3, 8 * 3)));
    expect(flipHorizontal(f).data).toEqual(img.data);
    expect(() => cropImage(img, 3, 0, 4, 4)).toThrow(/does not fit in an image of 6×8/);
  });
  test("augmentations keep the size and are seeded; p = 1 always flips, padding 0 never moves", () => {
    const rng = () => new Random(5);
    expect(randomHorizontalFlip(1)(img.data, img.shape, rng())).toEqual(flipHorizontal(img).data);
    expect(randomHorizontalFlip(0)(img.data, img.shape, rng())).toBe(img.data);
    expect(randomCrop(0)(img.data, img.shape, rng())).toEqual(img.data);
    const moved = randomCrop(2)(img.data, img.shape, rng());
    expect(moved.length).toBe(img.data.length);
    expect(randomCrop(2)(img.data, img.shape, rng())).toEqual(moved);
    const rrc = randomResizedCrop([0.3, 0.6])(img.data, img.shape, rng());
    expect(rrc.length).toBe(img.data.length);
  });
  test("normalizations: MobileNet's [-1, 1] and ImageNet's mean/std", () => {
    const x = tf.tensor4d([0, 127.5, 255, 255, 255, 255], [1, 1, 2, 3]);
    expect(Array.from(mobilenetNormalize()(x).dataSync())).toEqual([-1, 0, 1, 1, 1, 1]);
    const n = imagenetNormalize()(x).dataSync();
    expect(n[0]).toBeCloseTo(-0.485 / 0.229, 5);
    expect(n[3]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(n[5]).toBeCloseTo((1 - 0.406) / 0.225, 5);
  });
});

describe("ImageFolder", () => {
  /** root/"a ants"/..., root/bees/...: two good photos each, plus a GIF, a corrupt JPEG and a hidden file */
  function fixture(): string {
    const root = tmp();
    fs.mkdirSync(path.join(root, "bees"));
    fs.mkdirSync(path.join(root, "a ants", "sub"), { recursive: true });
    fs.writeFileSync(path.join(root, "bees", "b1.png"), pngFile(pattern(40, 60, 200), 40, 60));
    fs.writeFileSync(path.join(root, "bees", "b0 with space.jpg"), jpegFile(pattern(50, 30, 10), 50, 30));
    fs.writeFileSync(path.join(root, "a ants", "x.jpeg"), jpegFile(pattern(30, 30, 90), 30, 30));
    fs.writeFileSync(path.join(root, "a ants", "sub", "y.png"), pngFile(pattern(20, 20, 0), 20, 20));
    fs.writeFileSync(path.join(root, "a ants", "imageNotFound.gif"), GIF);
    const j = jpegFile(pattern(30, 30), 30, 30);
    fs.writeFileSync(path.join(root, "bees", "broken.jpg"), j.subarray(0, j.length >> 1));
    fs.writeFileSync(path.join(root, "bees", ".DS_Store"), "junk");
    return root;
  }
  test.each(DECODERS)("classes sorted, sub-folders included, bad files skipped with one line each naming them (%s decoder)", async (decoder) => {
    const root = fixture();
    const lines: string[] = [];
    const ds = await ImageFolder({ root, resize: 24, crop: 16, log: (s) => lines.push(s), decoder });
    expect(ds.classes).toEqual(["a ants", "bees"]);
    expect(ds.files.map((f) => path.relative(root, f))).toEqual([path.join("a ants", "sub", "y.png"), path.join("a ants", "x.jpeg"), path.join("bees", "b0 with space.jpg"), path.join("bees", "b1.png")]);
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1]);
    expect(ds.counts()).toEqual([2, 2]);
    expect(ds.shape).toEqual([16, 16, 3]);
    expect(ds.skipped.map((s) => path.basename(s.file)).sort()).toEqual(["broken.jpg", "imageNotFound.gif"]);
    expect(lines.length).toBe(2);
    expect(lines.find((l) => l.includes("imageNotFound.gif"))).toMatch(/skipped a file that is not an image: .*imageNotFound\.gif \(not a JPEG or PNG image/);
    expect(lines.find((l) => l.includes("broken.jpg"))).toMatch(/broken\.jpg \(cannot decode this JPEG/);
    // the PNG's pixels: resized 20 → 24, centre 16×16: blue channel stays 0, red rises left to right
    const y = ds.image(0);
    expect(y[2]).toBe(0);
    expect(y[(15 * 16 + 15) * 3]).toBeGreaterThan(y[0]);
  });
  test("batches through a DataLoader, with transform and augmentation", async () => {
    const ds = (await ImageFolder({ root: fixture(), resize: 16, crop: 16, log: () => undefined })).with({ transform: mobilenetNormalize(), augment: randomHorizontalFlip() });
    const loader = new DataLoader({ dataset: ds, batch_size: 3, shuffle: true, seed: 1 });
    const shapes: number[][] = [];
    for (const [x, t] of loader) {
      shapes.push(x.shape);
      expect(x.min().dataSync()[0]).toBeGreaterThanOrEqual(-1);
      expect(t.dtype).toBe("int32");
    }
    expect(shapes).toEqual([[3, 16, 16, 3], [1, 16, 16, 3]]);
    expect(ds.files.length).toBe(4);
  });
  test("a folder without class folders, or without images, is an error naming it", async () => {
    const empty = tmp();
    await expect(ImageFolder({ root: empty })).rejects.toThrow(/has no sub-folders \(one per class/);
    fs.mkdirSync(path.join(empty, "c"));
    fs.writeFileSync(path.join(empty, "c", "x.gif"), GIF);
    await expect(ImageFolder({ root: empty, log: () => undefined })).rejects.toThrow(/no JPEG or PNG images under/);
    await expect(ImageFolder({ root: path.join(empty, "nope") })).rejects.toThrow(/nope is not a folder/);
  });
  test("readImage reads a file", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "p.png"), pngFile(pattern(3, 4), 3, 4));
    expect(readImage(path.join(dir, "p.png")).shape).toEqual([3, 4, 3]);
  });
});

test("photoGrid: JPEG photos inside plotly image traces, titles with predictions, mistakes red", async () => {
  const root = tmp();
  for (const c of ["ants", "bees"]) {
    fs.mkdirSync(path.join(root, c));
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(root, c, `${i}.png`), pngFile(pattern(20, 20, 60 * i), 20, 20));
  }
  const ds = await ImageFolder({ root, resize: 20, crop: 20 });
  const fig = photoGrid(ds, { indices: [0, 3, 4], pred: [0, 0, 0, 0, 1, 1], cols: 2, title: "t" });
  expect(fig.data.length).toBe(3);
  for (const t of fig.data) {
    expect(t.type).toBe("image");
    expect(t.source).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    expect(t.z).toBeUndefined();
  }
  const notes = fig.layout.annotations as { text: string; font: { color: string } }[];
  expect(notes.map((a) => a.text)).toEqual(["正解 ants / 予測 ants", "正解 bees / 予測 ants", "正解 bees / 予測 bees"]);
  expect(notes.map((a) => a.font.color)).toEqual(["black", "red", "black"]);
});
