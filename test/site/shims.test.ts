// The site kernel's stand-ins for Node's zlib and Buffer (site/kernel/shims/), as the worker's bundle uses them:
// plot.showPng's encoder (lib/node/png.ts) bundled for the browser with the shims (as scripts/site.sh bundles it)
// makes PNGs that a PNG reader (pngjs) decodes to the same pixels, and the stored-block deflate inflates back.
import * as path from "path";
import { inflateSync } from "zlib";
import * as esbuild from "esbuild";
import { PNG } from "pngjs";
import { deflateSync } from "../../site/kernel/shims/zlib";

const root = path.join(__dirname, "..", "..");
const shims = path.join(root, "site", "kernel", "shims");

test("deflateSync (stored blocks) inflates back with Node's zlib, for empty, one-block and several-block inputs", () => {
  for (const n of [0, 1, 1000, 65535, 65536, 200000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 7 + 3) & 255);
    expect(Buffer.compare(inflateSync(deflateSync(data)), Buffer.from(data))).toBe(0);
  }
});

test("lib/node/png.ts bundled with the site's shims writes PNGs that pngjs reads back (grey, RGB, RGBA)", () => {
  const r = esbuild.buildSync({
    entryPoints: [path.join(root, "lib", "node", "png.ts")], bundle: true, platform: "browser", format: "cjs", write: false, logLevel: "silent",
    inject: [path.join(shims, "globals.ts")], alias: { zlib: path.join(shims, "zlib.ts") },
  });
  const mod = { exports: {} as { encodePng: (p: Uint8Array, w: number, h: number, c: 1 | 3 | 4) => Uint8Array } };
  new Function("module", "exports", r.outputFiles[0].text)(mod, mod.exports); // no Node Buffer or zlib inside: the shims'
  expect(r.outputFiles[0].text).not.toMatch(/require\(/);
  for (const c of [1, 3, 4] as const) {
    const [w, h] = [37, 300]; // 300 rows of 112 bytes: more than one stored block
    const pixels = new Uint8Array(w * h * c).map((_, i) => (i * 13) & 255);
    const png = PNG.sync.read(Buffer.from(mod.exports.encodePng(pixels, w, h, c)));
    expect([png.width, png.height]).toEqual([w, h]);
    const rgba = new Uint8Array(w * h * 4).map((_, i) => { const [p, k] = [Math.floor(i / 4), i % 4]; return c === 4 ? pixels[i] : k === 3 ? 255 : pixels[p * c + (c === 1 ? 0 : k)]; });
    expect(Buffer.compare(png.data, Buffer.from(rgba))).toBe(0);
  }
});
