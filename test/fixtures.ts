// Small generated fixtures: zip and tar writers, JPEG/PNG files (archive, image, CIFAR tests); noise "digits" that a
// small network learns in seconds (experiment and exercise tests).
import * as zlib from "zlib";
import { ImageDataset } from "../lib/core/data/dataset";
import { Compose, Normalize, ToTensor } from "../lib/core/data/transforms";
import { encodePng } from "../lib/node/png";
import { Random } from "../lib/core/random";

/**
 * n generated 28×28 images normalized as the lecture's MNIST: noise (0–59), label i mod 10, and bright pixels that
 * `mark(image, i, rng)` places so that the classes can be told apart.
 */
export function noiseDigits(n: number, seed: number, mark: (image: Uint8Array, i: number, rng: Random) => void, classes?: string[]): ImageDataset {
  const rng = new Random(seed);
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    const image = images.subarray(i * 784, (i + 1) * 784);
    for (let p = 0; p < 784; p++) image[p] = rng.int(60);
    mark(image, i, rng);
  }
  return new ImageDataset(images, labels, [28, 28, 1], Compose([ToTensor(), Normalize([0.5], [1.0])]), classes);
}

/** A zip archive of `files` (path → bytes); `deflate` compresses the entries. */
export function makeZip(files: [string, Buffer][], deflate = false): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const body = deflate ? zlib.deflateRawSync(data) : data;
    const nameBuf = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names in UTF-8
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(deflate ? 8 : 0, 10);
    cd.writeUInt32LE(zlib.crc32(data), 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, nameBuf);
    parts.push(local, nameBuf, body);
    offset += 30 + nameBuf.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

/** A tar archive (gzip-compressed unless gzip is false); type "0" file, "2" symlink, "5" directory. */
export function makeTar(files: { name: string; data?: Buffer; type?: string; link?: string }[], gzip = true): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const data = f.data ?? Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, "utf8");
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(data.length.toString(8).padStart(11, "0") + "\0", 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write(f.type ?? "0", 156);
    if (f.link) h.write(f.link, 157, 100);
    h.write("ustar\0" + "00", 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return gzip ? zlib.gzipSync(tar) : tar;
}

/** An RGB test pattern h×w×3: red ramps along x, green along y, blue constant. */
export function pattern(h: number, w: number, blue = 128): Uint8Array {
  const img = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      img[(y * w + x) * 3] = Math.round((255 * x) / Math.max(1, w - 1));
      img[(y * w + x) * 3 + 1] = Math.round((255 * y) / Math.max(1, h - 1));
      img[(y * w + x) * 3 + 2] = blue;
    }
  return img;
}

export function pngFile(img: Uint8Array, h: number, w: number, channels: 1 | 3 | 4 = 3): Buffer {
  return encodePng(img, w, h, channels);
}

export function jpegFile(img: Uint8Array, h: number, w: number, quality = 95): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jpeg = require("jpeg-js") as typeof import("jpeg-js");
  const rgba = Buffer.alloc(h * w * 4, 255);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < 3; k++) rgba[4 * i + k] = img[3 * i + k];
  return jpeg.encode({ data: rgba, width: w, height: h }, quality).data;
}

/** The smallest GIF file (1×1), like the ants/bees set's imageNotFound.gif. */
export const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
