// lib/node/data/cifar10.ts: the binary batch format on generated batches (and bad ones), and the mirror's JPEG copy.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CIFAR10, CIFAR10_CLASSES, cifar10FromBatches, readCifarBatches } from "../lib/node/data/cifar10";
import { backend, dataMirror, mirrorPath } from "./helpers";

beforeAll(backend);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lecture3-cifar-"));

/** n records: label k % 10, red plane = k, green = 100 + pixel index % 100, blue = 255 - k */
function batch(n: number): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let k = 0; k < n; k++) {
    const r = b.subarray(k * 3073, (k + 1) * 3073);
    r[0] = k % 10;
    for (let p = 0; p < 1024; p++) {
      r[1 + p] = k;
      r[1 + 1024 + p] = 100 + (p % 100);
      r[1 + 2048 + p] = 255 - k;
    }
  }
  return b;
}

test("records become HWC images (planes R, G, B interleaved) with their labels", () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, "b1.bin"), batch(3));
  fs.writeFileSync(path.join(dir, "b2.bin"), batch(2));
  const { images, labels } = readCifarBatches([path.join(dir, "b1.bin"), path.join(dir, "b2.bin")]);
  expect(Array.from(labels)).toEqual([0, 1, 2, 0, 1]);
  expect(images.length).toBe(5 * 3072);
  const img2 = images.subarray(2 * 3072, 3 * 3072);
  expect(Array.from(img2.subarray(0, 6))).toEqual([2, 100, 253, 2, 101, 253]);
  expect(img2[3 * 1023 + 1]).toBe(100 + (1023 % 100));
});

test("a batch of the wrong length is an error naming the file", () => {
  const dir = tmp();
  const f = path.join(dir, "data_batch_1.bin");
  fs.writeFileSync(f, batch(2).subarray(0, 3073 * 2 - 5));
  expect(() => readCifarBatches([f])).toThrow(new RegExp(`data_batch_1\\.bin: 6141 bytes is not a whole number of CIFAR-10 records \\(3073 bytes each`));
  fs.writeFileSync(f, Buffer.alloc(0));
  expect(() => readCifarBatches([f])).toThrow(/data_batch_1\.bin: 0 bytes is not a whole number/);
});

test("a label above 9 is an error naming the file and the record", () => {
  const dir = tmp();
  const f = path.join(dir, "test_batch.bin");
  const b = batch(3);
  b[3073] = 12;
  fs.writeFileSync(f, b);
  expect(() => readCifarBatches([f])).toThrow(/test_batch\.bin: record 1 has label 12, not a class 0-9/);
});

test("cifar10FromBatches: the five training batches or the test batch of a cifar-10-batches-bin folder", () => {
  const dir = tmp();
  for (let k = 1; k <= 5; k++) fs.writeFileSync(path.join(dir, `data_batch_${k}.bin`), batch(2));
  fs.writeFileSync(path.join(dir, "test_batch.bin"), batch(4));
  const train = cifar10FromBatches(dir);
  expect(train.length).toBe(10);
  expect(train.shape).toEqual([32, 32, 3]);
  expect(train.classes).toEqual(CIFAR10_CLASSES);
  expect(train.source).toBe("binary");
  expect(train.describe()).toMatch(/オリジナル/);
  expect(cifar10FromBatches(dir, { train: false }).length).toBe(4);
  expect(() => cifar10FromBatches(dir, { train: false, expect: 10000 })).toThrow(/4 images, expected 10000/);
  fs.rmSync(path.join(dir, "data_batch_3.bin"));
  expect(() => cifar10FromBatches(dir)).toThrow(/data_batch_3\.bin is missing/);
});

test("the mirror's JPEG copy: 10,000 test images, 1,000 per class, and it says it is the lossy copy", async () => {
  mirrorPath("cifar10_jpeg.tar.gz"); // fails saying what to set when the mirror lacks it
  const root = tmp();
  const lines: string[] = [];
  const test_set = await CIFAR10({ train: false, root, mirror: dataMirror(), log: (s) => lines.push(s) });
  expect(test_set.source).toBe("jpeg");
  expect(test_set.describe()).toMatch(/JPEG コピー \(非可逆圧縮/);
  expect(test_set.length).toBe(10000);
  const counts = new Array(10).fill(0);
  for (const l of test_set.labels) counts[l] += 1;
  expect(counts).toEqual(new Array(10).fill(1000));
  expect(fs.existsSync(path.join(root, "cifar10", "jpeg", "train", "truck"))).toBe(true);
  await expect(CIFAR10({ train: false, root: tmp(), mirror: dataMirror(), source: "binary", log: () => undefined })).rejects.toThrow(/cifar-10-binary\.tar\.gz is not in/);
  fs.rmSync(root, { recursive: true, force: true }); // 60,000 small files
}); // jest.config.js's testTimeout (180 s): a hang guard
