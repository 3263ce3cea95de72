// The few Buffer methods lib/core/data/idx.ts uses (from, readUInt32BE), for the browser bundle.
export class Buffer extends Uint8Array {
  static from(b: ArrayBufferLike | ArrayLike<number>, offset = 0, length?: number): Buffer {
    if (b instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && b instanceof SharedArrayBuffer)) {
      return new Buffer(b as ArrayBuffer, offset, length ?? (b as ArrayBuffer).byteLength - offset);
    }
    const out = new Buffer((b as ArrayLike<number>).length);
    out.set(b as ArrayLike<number>);
    return out;
  }
  readUInt32BE(at: number): number {
    return new DataView(this.buffer, this.byteOffset, this.byteLength).getUint32(at, false);
  }
}
