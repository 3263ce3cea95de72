import { encodePng } from "../lib/node/png";

// Decodes with TensorFlow's own PNG decoder (libpng inside libtensorflow), an independent implementation.
async function decode(png: Buffer, channels: number): Promise<{ shape: number[]; data: Uint8Array }> {
  await (await import("./helpers")).backend();
  const tfn: typeof import("@tensorflow/tfjs-node") = require("@tensorflow/tfjs-node");
  const t = tfn.node.decodePng(png, channels);
  const out = { shape: t.shape, data: Uint8Array.from(t.dataSync()) };
  t.dispose();
  return out;
}

function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 37 + (i >> 3) * 11) % 256);
}

describe("encodePng", () => {
  test("starts with the PNG signature and an IHDR holding width and height", () => {
    const png = encodePng(pattern(5 * 7), 7, 5, 1);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString("ascii", 12, 16)).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBe(7); // width
    expect(png.readUInt32BE(20)).toBe(5); // height
    expect(png[24]).toBe(8); // bit depth
    expect(png[25]).toBe(0); // grayscale
    expect(png.toString("ascii", png.length - 8, png.length - 4)).toBe("IEND");
  });

  test("a grayscale image decodes back to the same pixels", async () => {
    const pixels = pattern(28 * 20);
    const { shape, data } = await decode(encodePng(pixels, 20, 28, 1), 1);
    expect(shape).toEqual([28, 20, 1]);
    expect(data).toEqual(pixels);
  });

  test("an RGB image decodes back to the same pixels", async () => {
    const pixels = pattern(9 * 13 * 3);
    const { shape, data } = await decode(encodePng(pixels, 13, 9, 3), 3);
    expect(shape).toEqual([9, 13, 3]);
    expect(data).toEqual(pixels);
  });

  test("rejects a buffer of the wrong size", () => {
    expect(() => encodePng(new Uint8Array(10), 4, 4, 1)).toThrow(/16 bytes, got 10/);
  });
});
