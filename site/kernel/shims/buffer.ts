// The few Buffer methods the library uses, for the browser bundle: lib/core/data/idx.ts (from, readUInt32BE) and
// lib/node/png.ts, the PNG encoder of plot.showPng (alloc, concat, from a string, writeUInt32BE, copy).
export class Buffer extends Uint8Array {
  // Node's signature (a string with its encoding, an ArrayBuffer with offset and length, or bytes), not Uint8Array's
  static override from(b: unknown, offset: unknown = 0, length?: number): Buffer {
    if (typeof b === "string") return Buffer.from(new TextEncoder().encode(b)); // "ascii" and "utf8" agree on ASCII
    if (b instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && b instanceof SharedArrayBuffer)) {
      const at = Number(offset);
      return new Buffer(b as ArrayBuffer, at, length ?? (b as ArrayBuffer).byteLength - at);
    }
    const out = new Buffer((b as ArrayLike<number>).length);
    out.set(b as ArrayLike<number>);
    return out;
  }
  static alloc(size: number): Buffer {
    return new Buffer(size);
  }
  static concat(list: Uint8Array[]): Buffer {
    const out = new Buffer(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) (out.set(b, at), (at += b.length));
    return out;
  }
  readUInt32BE(at: number): number {
    return new DataView(this.buffer, this.byteOffset, this.byteLength).getUint32(at, false);
  }
  writeUInt32BE(value: number, at: number): number {
    new DataView(this.buffer, this.byteOffset, this.byteLength).setUint32(at, value, false);
    return at + 4;
  }
  copy(target: Uint8Array, at = 0): number {
    target.set(this, at);
    return this.length;
  }
}
