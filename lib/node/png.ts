// A minimal PNG encoder (8-bit grayscale, RGB or RGBA, no interlace), enough to show an image in a notebook.
// A PNG file is a signature followed by chunks: IHDR (size and pixel format), IDAT (zlib-compressed rows,
// each prefixed by a filter byte; we use filter 0 = none) and IEND. Each chunk ends with a CRC-32.
import { deflateSync } from "zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// CRC-32 (polynomial 0xEDB88320), one table entry per byte value.
const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** length (4 bytes) + type (4 ASCII letters) + data + CRC-32 of type and data */
function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const; // grayscale, RGB, RGBA

/** Encodes `pixels` (height × width × channels bytes, row after row) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): Buffer {
  if (!(channels in COLOR_TYPE)) throw new Error(`encodePng: channels must be 1, 3 or 4, not ${channels}`);
  const stride = width * channels;
  if (pixels.length !== height * stride) {
    throw new Error(`encodePng: expected ${height}×${width}×${channels} = ${height * stride} bytes, got ${pixels.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = COLOR_TYPE[channels];
  // bytes 10-12: compression 0 (deflate), filter method 0, no interlace
  const raw = Buffer.alloc(height * (stride + 1)); // each row: filter byte 0, then the row's bytes
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}
