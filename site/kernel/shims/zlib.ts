// zlib is not in the browser. The site serves MNIST's idx files uncompressed (scripts/site.sh), so gunzip is not
// needed. deflateSync is enough for PNG output (plot.showPng through lib/node/png.ts): a zlib stream of "stored"
// (uncompressed) deflate blocks, which every PNG reader accepts; the PNG is bigger than Node's (no compression:
// a 168×168 grey digit is about 28 kB, its raw size), nothing else differs.
const missing = (what: string) => () => {
  throw new Error(`ブラウザ版では ${what} が使えません (zlib がありません)。`);
};
export const gunzipSync = missing("gzip の展開");

const STORED_MAX = 65535; // the most bytes a stored block holds

/** `data` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00), with its Adler-32. */
export function deflateSync(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_MAX));
  const out = new Uint8Array(2 + 5 * blocks + data.length + 4);
  out.set([0x78, 0x01]); // deflate, 32 kB window, no dictionary; (0x78 << 8 | 0x01) % 31 === 0
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const part = data.subarray(b * STORED_MAX, (b + 1) * STORED_MAX);
    const n = part.length;
    out.set([b === blocks - 1 ? 1 : 0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff], at); // BFINAL, LEN, NLEN
    out.set(part, at + 5);
    at += 5 + n;
  }
  let a = 1; // Adler-32 of the uncompressed bytes: a = 1 + Σ bytes, s = Σ a, both mod 65521
  let s = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(at, ((s << 16) | a) >>> 0, false);
  return out;
}
