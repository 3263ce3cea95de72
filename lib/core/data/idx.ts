// The idx format of MNIST and its look-alikes (Fashion-MNIST): a big-endian header, then raw unsigned bytes.
//   bytes 0-3  magic: 0x00 0x00 <type 0x08 = ubyte> <number of dimensions>
//              2049 = 0x0801 (labels, 1 dimension), 2051 = 0x0803 (images, 3 dimensions)
//   then one big-endian uint32 per dimension, then prod(dims) bytes.
import { needs } from "../platform";

/** Fashion-MNIST's ten classes, in label order (the node edition's spec and the site's data set). */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an idx file (gzip-compressed or raw). `file` names it in errors. */
export function parseIdx(bytes: Uint8Array, file: string, expectMagic?: number): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    const gunzip = needs("gunzip", `${file} (gzip) の展開`);
    try {
      buf = gunzip(buf);
    } catch (e) {
      throw new Error(
        `${file}: broken gzip data (${(e as Error).message}); the file is probably truncated. ` +
          `Delete it and download it again.`,
      );
    }
  }
  if (buf.length < 4) {
    throw new Error(`${file}: only ${buf.length} bytes, too short for an idx header; the file is truncated. Delete it and download it again.`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength); // big-endian numbers of the header
  const magic = view.getUint32(0);
  const ndim = buf[3];
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08 || ndim === 0 || (expectMagic !== undefined && magic !== expectMagic)) {
    const want = expectMagic !== undefined ? `${expectMagic}` : "2049 (labels) or 2051 (images)";
    throw new Error(`${file}: wrong magic number ${magic} (expected ${want}); this is not an MNIST idx file of that kind. Check the file name or download it again.`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (buf.length < headerBytes) {
    throw new Error(`${file}: header needs ${headerBytes} bytes but the file has ${buf.length}; it is truncated. Delete it and download it again.`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d));
  const count = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - headerBytes;
  if (have < count) {
    throw new Error(`${file}: header says ${dims.join("x")} = ${count} bytes of data but only ${have} follow; the file is truncated. Delete it and download it again.`);
  }
  if (have > count) {
    throw new Error(`${file}: header says ${dims.join("x")} = ${count} bytes of data but ${have} follow; the counts disagree. Download the file again.`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, count) };
}

/** Writes an idx file (used by the tests to make small fixtures, and handy for students' own data). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 + dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
