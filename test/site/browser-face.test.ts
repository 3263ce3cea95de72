// lib/browser/index.ts, the "lecture3" of the site's kernel: 01's, 03's, 06's and 07's names work there
// (mobilenet with untrained, images, datasets.MNIST / FashionMNIST / Hymenoptera / CIFAR10 read from the site's
// data/ files: here from a fake site, a fetch that serves small files made as scripts/site-data.ts makes them), and
// the node face's names that the site lacks (ImageFolder on a folder, readImage) are there and say in Japanese that
// they are not in the site (not "undefined is not a function"); importing them does not throw.
import * as zlib from "zlib";
import * as jpeg from "jpeg-js";
import * as browser from "../../lib/browser";
import { encodeIdx } from "../../lib/core/data/idx";
import * as nodeImages from "../../lib/node/data/images";
import { FASHION_MNIST_SPEC } from "../../lib/node/data/fashion-mnist";
import { CIFAR10_CLASSES } from "../../lib/node/data/cifar10";
import { gunzip } from "../../lib/browser/data";

const MISSING = "はブラウザ版 (サイト) にはまだありません。このノートブックはローカル版 (npm run lab) で実行してください";

test("the node face's data set the site lacks (ImageFolder on a folder): present in the site's face, and a use of it says it is missing", async () => {
  await expect(browser.datasets.ImageFolder({ root: "photos" })).rejects.toThrow(`datasets.ImageFolder ${MISSING}`);
  expect([browser.datasets.MNIST, browser.datasets.FashionMNIST, browser.datasets.Hymenoptera, browser.datasets.CIFAR10].map((f) => typeof f)).toEqual(Array(4).fill("function"));
});

// ---------------------------------------------------------------- a fake site: data/ files served by fetch
const files = new Map<string, Uint8Array>();
const requested: string[] = [];
const BASE = "http://site.test/";
beforeAll(() => {
  browser.installBrowserPlatform({ post: () => undefined, baseUrl: BASE, kernel: { interrupts: 0, cells: [], current: null } });
  jest.spyOn(globalThis, "fetch").mockImplementation(async (url) => {
    const name = decodeURIComponent(String(url).slice(BASE.length));
    requested.push(name);
    const body = files.get(name);
    return body ? new Response(body) : new Response("not found", { status: 404, statusText: "Not Found" });
  });
});
afterAll(() => jest.restoreAllMocks());

/** A w×h JPEG of one colour, as jpeg-js writes it. */
const solidJpeg = (w: number, h: number, rgb: [number, number, number]) => {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], 4 * i);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
};

test("gunzip: gzip data unpacked by the platform's DecompressionStream; bytes that are not gzip (a server that unpacked them) pass as they are", async () => {
  const raw = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 256);
  expect(Array.from(await gunzip(new Uint8Array(zlib.gzipSync(raw)), "x.gz"))).toEqual(Array.from(raw));
  expect(await gunzip(raw, "x")).toBe(raw);
  await expect(gunzip(Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2]), "cut.gz")).rejects.toThrow("cut.gz: gzip を展開できません");
});

test("datasets.FashionMNIST: the site's gzip idx files (data/fashion-mnist/*.gz, as the mirror has them), Fashion-MNIST's classes", async () => {
  const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 251);
  files.set("data/fashion-mnist/t10k-images-idx3-ubyte.gz", new Uint8Array(zlib.gzipSync(encodeIdx([3, 28, 28], pixels))));
  files.set("data/fashion-mnist/t10k-labels-idx1-ubyte.gz", new Uint8Array(zlib.gzipSync(encodeIdx([3], Uint8Array.from([9, 0, 4])))));
  const ds = await browser.datasets.FashionMNIST({ train: false, download: true });
  expect([ds.length, Array.from(ds.labels), ds.shape, ds.classes]).toEqual([3, [9, 0, 4], [28, 28, 1], FASHION_MNIST_SPEC.classes]);
  expect(Array.from(ds.image(2))).toEqual(Array.from(pixels.subarray(2 * 784)));
  await expect(browser.datasets.FashionMNIST({ train: true })).rejects.toThrow("data/fashion-mnist/train-images-idx3-ubyte.gz: 404 Not Found。サイトの data/fashion-mnist/train-images-idx3-ubyte.gz がありません");
});

test("datasets.MNIST: the site's uncompressed idx files (data/mnist/), the digits as classes", async () => {
  const pixels = Uint8Array.from({ length: 2 * 784 }, (_, i) => (3 * i) % 256);
  files.set("data/mnist/train-images-idx3-ubyte", encodeIdx([2, 28, 28], pixels));
  files.set("data/mnist/train-labels-idx1-ubyte", encodeIdx([2], Uint8Array.from([5, 0])));
  const ds = await browser.datasets.MNIST({ train: true });
  expect([ds.length, Array.from(ds.labels), ds.classes, Array.from(ds.image(1))]).toEqual([2, [5, 0], ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], Array.from(pixels.subarray(784))]);
  files.set("data/mnist/train-labels-idx1-ubyte", encodeIdx([3], Uint8Array.from([5, 0, 1])));
  await expect(browser.datasets.MNIST({ train: true })).rejects.toThrow("data/mnist/train-images-idx3-ubyte と data/mnist/train-labels-idx1-ubyte の枚数が合いません");
});

test("datasets.Hymenoptera({ train: true }): the training photos of data/hymenoptera/train/ in train.json's order, a file that is not an image skipped with its warning", async () => {
  files.set("data/hymenoptera/train.json", new TextEncoder().encode(JSON.stringify({ classes: ["ants", "bees"], files: [["ants/a.jpg", 0], ["ants/imageNotFound.gif", 0], ["bees/b 1.jpg", 1]] })));
  files.set("data/hymenoptera/train/ants/a.jpg", solidJpeg(40, 30, [200, 10, 10]));
  files.set("data/hymenoptera/train/ants/imageNotFound.gif", new TextEncoder().encode("GIF89a"));
  files.set("data/hymenoptera/train/bees/b 1.jpg", solidJpeg(30, 40, [10, 10, 200]));
  const lines: string[] = [];
  const ds = await browser.datasets.Hymenoptera({ train: true, resize: 16, crop: 8, log: (l) => lines.push(l) });
  expect([ds.length, Array.from(ds.labels), ds.counts(), ds.files, ds.skipped.map((s) => s.file)]).toEqual([2, [0, 1], [1, 1], ["data/hymenoptera/train/ants/a.jpg", "data/hymenoptera/train/bees/b 1.jpg"], ["data/hymenoptera/train/ants/imageNotFound.gif"]]);
  expect(lines).toEqual([expect.stringMatching(/^警告: .*skipped a file that is not an image: data\/hymenoptera\/train\/ants\/imageNotFound\.gif/)]);
  const px = (i: number) => Array.from(ds.image(i).subarray(0, 3)).map((v) => Math.round(v / 20));
  expect([px(0), px(1)]).toEqual([[10, 1, 1], [1, 1, 10]]); // red ants, blue bees (jpeg-js's rounding aside)
});

test("datasets.CIFAR10: the JPEG copy packed in data/cifar10/<split>.jpgs.gz, unpacked, cut by <split>.json's lengths, 32×32×3, source jpeg", async () => {
  const a = solidJpeg(32, 32, [250, 250, 250]);
  const b = solidJpeg(32, 32, [0, 0, 0]);
  files.set("data/cifar10/test.jpgs.gz", new Uint8Array(zlib.gzipSync(Uint8Array.from([...a, ...b]))));
  files.set("data/cifar10/test.json", new TextEncoder().encode(JSON.stringify({ classes: CIFAR10_CLASSES, files: [["airplane/0000.jpg", 0, a.length], ["truck/0000.jpg", 9, b.length]] })));
  const ds = await browser.datasets.CIFAR10({ train: false, download: true });
  expect([ds.length, Array.from(ds.labels), ds.shape, ds.classes, ds.source]).toEqual([2, [0, 9], [32, 32, 3], CIFAR10_CLASSES, "jpeg"]);
  expect(ds.describe()).toBe("CIFAR-10 の JPEG コピー (非可逆圧縮なので画素値は元の画像と少し違います): data/cifar10/test");
  expect([Math.min(...ds.image(0)), Math.max(...ds.image(1))].map((v) => Math.round(v / 10))).toEqual([25, 0]);
  expect(ds.with({}).describe()).toBe(ds.describe()); // with() keeps the class and where it came from
  files.set("data/cifar10/test.jpgs.gz", a); // a pack that is not what its list says (not gzip: passed as it is)
  await expect(browser.datasets.CIFAR10({ train: false })).rejects.toThrow(/data\/cifar10\/test\.jpgs\.gz: \d+ バイトですが/);
});

test("images and mobilenet: the core's members are there (01's), the node face's file-reading ones say they are missing", () => {
  const { mobilenet, images } = browser; // what a cell's import does: binding the names throws nothing
  expect([typeof mobilenet, typeof images, (mobilenet as unknown as { then?: unknown }).then]).toEqual(["object", "object", undefined]);
  expect(typeof images.mobilenetNormalize()).toBe("function");
  expect(images.jpegDataUri).toBe(nodeImages.jpegDataUri); // one code for both editions
  expect([typeof mobilenet.load, typeof mobilenet.untrained, typeof mobilenet.top5Rows, typeof mobilenet.showTop5, mobilenet.IMAGENET_CLASSES.length]).toEqual(["function", "function", "function", "function", 1000]);
  expect(images.decoderName()).toBe("JavaScript (jpeg-js)"); // 06 prints it: the site decodes as the node edition on wasm
  const imagesOfNode = images as unknown as Record<string, unknown>;
  expect(() => imagesOfNode.readImage).toThrow(`images.readImage ${MISSING}`);
  expect(() => imagesOfNode.ImageFolder).toThrow("images.ImageFolder はブラウザ版");
});
