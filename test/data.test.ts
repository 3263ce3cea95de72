// idx parsing, md5 checking, the cache → mirror → download chain, transforms.
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import * as tf from "@tensorflow/tfjs";
import { encodeIdx, parseIdx } from "../lib/core/data/idx";
import { MNIST, MNIST_FILES, MNIST_SPEC } from "../lib/node/data/mnist";
import { datasetFromFiles } from "../lib/node/data/spec";
import { md5File, obtain, RemoteFile } from "../lib/node/data/sources";
import { Compose, Normalize, ToTensor } from "../lib/core/data/transforms";
import { projectRoot } from "../lib/node/paths";
import { tmpDir, withServer } from "./fault-server";
import { backend, dataMirror, mirrorPath } from "./helpers";

// the mirror that CI and a lecturer's machine name (datasets/README.md); this checkout's shared copy otherwise
const tmp = () => tmpDir("data");
const images = (n: number) => encodeIdx([n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, i) => i % 256));
const labels = (n: number) => encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10));
const quiet = () => undefined;

beforeAll(backend);

describe("parseIdx", () => {
  test("reads raw and gzip files alike, big-endian dims", () => {
    const raw = images(3);
    for (const bytes of [raw, gzipSync(raw)]) {
      const a = parseIdx(bytes, "x", 2051);
      expect(a.dims).toEqual([3, 28, 28]);
      expect(a.data.length).toBe(3 * 784);
      expect(a.data[785]).toBe(785 % 256);
    }
    expect(raw.readUInt32BE(0)).toBe(2051);
    expect(parseIdx(labels(12), "y", 2049).dims).toEqual([12]);
  });
  test("a truncated file names the file and says to download again", () => {
    const cut = images(3).subarray(0, 1000);
    expect(() => parseIdx(cut, "cut.idx", 2051)).toThrow(/cut\.idx: .*only 984 follow; the file is truncated\. Delete it and download it again/);
    expect(() => parseIdx(cut.subarray(0, 2), "tiny.idx")).toThrow(/tiny\.idx: only 2 bytes/);
    expect(() => parseIdx(cut.subarray(0, 9), "hdr.idx")).toThrow(/hdr\.idx: header needs 16 bytes/);
    const gz = gzipSync(images(3));
    expect(() => parseIdx(gz.subarray(0, gz.length - 20), "cut.gz")).toThrow(/cut\.gz: broken gzip data .*truncated/);
  });
  test("a wrong magic number names what was expected", () => {
    expect(() => parseIdx(labels(5), "labels-as-images", 2051)).toThrow(/labels-as-images: wrong magic number 2049 \(expected 2051\)/);
    const junk = Buffer.from("PK\x03\x04 not idx at all");
    expect(() => parseIdx(junk, "junk.zip")).toThrow(/junk\.zip: wrong magic number .*2049 \(labels\) or 2051 \(images\)/);
  });
  test("trailing bytes: counts disagree", () => {
    const extra = Buffer.concat([labels(4), Buffer.from([1, 2])]);
    expect(() => parseIdx(extra, "extra", 2049)).toThrow(/extra: header says 4 = 4 bytes of data but 6 follow; the counts disagree/);
  });
});

describe("datasetFromFiles with MNIST's spec", () => {
  const mnistFromFiles = (i: string, l: string) => datasetFromFiles(MNIST_SPEC, i, l);
  test("images and labels must agree in count", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "i"), gzipSync(images(5)));
    fs.writeFileSync(path.join(dir, "l"), gzipSync(labels(4)));
    expect(() => mnistFromFiles(path.join(dir, "i"), path.join(dir, "l"))).toThrow(/holds 5 images but .*holds 4 labels; the counts disagree/);
  });
  test("labels must be digits, images 28x28", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "i"), images(2));
    fs.writeFileSync(path.join(dir, "l"), encodeIdx([2], Uint8Array.from([3, 12])));
    expect(() => mnistFromFiles(path.join(dir, "i"), path.join(dir, "l"))).toThrow(/label 12 at index 1 is not a class of MNIST \(0-9\)/);
    fs.writeFileSync(path.join(dir, "s"), encodeIdx([1, 5, 5], new Uint8Array(25)));
    expect(() => mnistFromFiles(path.join(dir, "s"), path.join(dir, "l"))).toThrow(/1x5x5, expected N x 28 x 28 \(MNIST\)/);
  });
});

describe("transforms", () => {
  test("ToTensor maps 0..255 to [0,1]; Normalize([0.5],[1.0]) to [-0.5, 0.5]", () => {
    const x = tf.tensor4d([0, 51, 255, 128], [1, 2, 2, 1]);
    const t = Compose([ToTensor(), Normalize([0.5], [1.0])]);
    const y = t(x);
    expect(Array.from(ToTensor()(x).dataSync())).toEqual([0, 0.2, 1, 128 / 255].map((v) => Math.fround(v)));
    const v = Array.from(y.dataSync());
    [-0.5, -0.3, 0.5, 128 / 255 - 0.5].forEach((want, i) => expect(v[i]).toBeCloseTo(want, 6));
    expect(y.dtype).toBe("float32");
    tf.dispose([x, y]);
  });
  test("Normalize checks its arguments", () => {
    expect(() => Normalize([0.5], [])).toThrow(/one of each per channel/);
    expect(() => Normalize([0.5], [0])).toThrow(/std must be positive/);
  });
});

const mirrorFile = (f: RemoteFile) => mirrorPath(`${f.folder}/${f.name}`);

describe("obtain: cache, mirror, download", () => {
  const f = MNIST_FILES.test.labels; // the smallest real file (4,542 bytes)
  const fileOf = (url: string): RemoteFile => ({ ...f, urls: [url] });

  beforeAll(() => {
    mirrorFile(f); // the real MNIST files are needed: fails saying what to set when they are not in the mirror
  });

  test("md5File matches the published checksum", () => {
    expect(md5File(mirrorFile(f))).toBe("ec29112dd5afa0611ce80d1b7f02629c");
  });

  test("downloads the real file from a local server, verifies it and caches it atomically", async () => {
    const body = fs.readFileSync(mirrorFile(f));
    await withServer({ "/ok": (res) => res.writeHead(200, { "content-length": body.length }).end(body) }, async (srv, root) => {
      const lines: string[] = [];
      const got = await obtain(fileOf(`${srv.url}/ok`), { root, download: true, mirror: "", log: (l) => lines.push(l) });
      expect(got).toBe(path.join(root, "mnist", f.name));
      expect(md5File(got)).toBe(f.md5);
      expect(fs.readdirSync(path.join(root, "mnist"))).toEqual([f.name]);
      expect(lines.join("\n")).toMatch(/downloading http:\/\/127\.0\.0\.1:\d+\/ok[\s\S]*done, 0\.0 MB/);
      // a second call uses the cache: no new request
      await obtain(fileOf(`${srv.url}/ok`), { root, download: true, mirror: "", log: quiet });
      expect(srv.hits).toEqual(["/ok"]);
    });
  });

  test("a corrupt download is rejected by md5 and leaves nothing in the cache", async () => {
    const body = Buffer.from(fs.readFileSync(mirrorFile(f)));
    body[100] ^= 0xff;
    await withServer({ "/bad": (res) => res.writeHead(200).end(body) }, async (srv, root) => {
      await expect(obtain(fileOf(`${srv.url}/bad`), { root, download: true, mirror: "", log: quiet })).rejects.toThrow(
        new RegExp(`could not get ${f.name}[\\s\\S]*/bad: md5 [0-9a-f]{32}, expected ${f.md5}[\\s\\S]*LECTURE3_DATA_MIRROR`),
      );
      expect(fs.readdirSync(root)).toEqual([]); // no partial file, and no empty mnist/ folder
    });
  });

  test("a dropped connection fails clearly, leaves nothing, and the next URL is tried", async () => {
    const body = fs.readFileSync(mirrorFile(f));
    await withServer({
      "/drop": (res) => {
        res.writeHead(200, { "content-length": body.length });
        res.write(body.subarray(0, 1000));
        setTimeout(() => res.socket?.destroy(), 20);
      },
      "/ok": (res) => res.writeHead(200).end(body),
    }, async (srv, root) => {
      await expect(obtain(fileOf(`${srv.url}/drop`), { root, download: true, mirror: "", log: quiet })).rejects.toThrow(/\/drop: /);
      expect(fs.readdirSync(root)).toEqual([]);
      const lines: string[] = [];
      const got = await obtain({ ...f, urls: [`${srv.url}/drop`, `${srv.url}/ok`] }, { root, download: true, mirror: "", log: (l) => lines.push(l) });
      expect(md5File(got)).toBe(f.md5);
      expect(lines.join("\n")).toMatch(/failed: /);
    });
  });

  test("a failure creates no folder: not the cache root, not its data set folder", async () => {
    const root = path.join(tmp(), "copy", "datasets");
    await expect(obtain(fileOf("http://127.0.0.1:9/nothing"), { root, download: true, mirror: "", log: quiet })).rejects.toThrow(/every download failed/);
    expect(fs.existsSync(path.dirname(root))).toBe(false);
  });

  test("the default cache is the project's datasets/ folder, whatever the working directory", async () => {
    const cwd = process.cwd();
    const elsewhere = tmp();
    process.chdir(elsewhere);
    try {
      const ds = await MNIST({ train: false, mirror: dataMirror(), log: quiet });
      expect(ds.length).toBe(10000);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.existsSync(path.join(projectRoot(), "datasets", "mnist", "t10k-images-idx3-ubyte.gz"))).toBe(true);
  });

  test("no network and no cache: the error says to set the mirror variable", async () => {
    const root = tmp();
    await expect(obtain(fileOf("http://127.0.0.1:9/nothing"), { root, download: true, mirror: "", log: quiet })).rejects.toThrow(
      /it is not in the cache .*no mirror is set, and every download failed[\s\S]*set LECTURE3_DATA_MIRROR=/,
    );
    await expect(obtain(fileOf("http://127.0.0.1:9/nothing"), { root, download: false, mirror: "", log: quiet })).rejects.toThrow(
      /is not in .*Pass download: true, or set LECTURE3_DATA_MIRROR/,
    );
  });

  test("mirror folder: verified copy into the cache; a corrupt mirror file is an error, not a fallback", async () => {
    const root = tmp();
    const got = await obtain(fileOf("http://127.0.0.1:9/never"), { root, download: false, mirror: dataMirror(), log: quiet });
    expect(md5File(got)).toBe(f.md5);
    const badMirror = tmp();
    fs.mkdirSync(path.join(badMirror, "mnist"));
    fs.writeFileSync(path.join(badMirror, "mnist", f.name), "not the file");
    await expect(obtain(fileOf("http://127.0.0.1:9/never"), { root: tmp(), download: true, mirror: badMirror, log: quiet })).rejects.toThrow(
      /mirror's copy of t10k-labels-idx1-ubyte\.gz is corrupt/,
    );
  });

  test("a corrupt file in the cache is removed and fetched again", async () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, "mnist"));
    fs.writeFileSync(path.join(root, "mnist", f.name), "truncated");
    const lines: string[] = [];
    const got = await obtain(fileOf("http://127.0.0.1:9/never"), { root, download: false, mirror: dataMirror(), log: (l) => lines.push(l) });
    expect(md5File(got)).toBe(f.md5);
    expect(lines.join("\n")).toMatch(/removed the corrupt copy/);
  });
});

describe("MNIST from the mirror", () => {
  test("the real test set: 10,000 images 28x28, labels 0-9, first label 7", async () => {
    const test_set = await MNIST({ root: tmp(), train: false, mirror: dataMirror(), log: quiet, transform: Compose([ToTensor(), Normalize([0.5], [1.0])]) });
    expect(test_set.length).toBe(10000);
    expect(test_set.shape).toEqual([28, 28, 1]);
    expect(test_set.labels[0]).toBe(7);
    const counts = new Array(10).fill(0);
    test_set.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const [x, y] = test_set.batch([0, 1]);
    expect(x.shape).toEqual([2, 28, 28, 1]);
    expect(x.min().dataSync()[0]).toBeCloseTo(-0.5, 6);
    expect(x.max().dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(y.dataSync())).toEqual([7, 2]);
    tf.dispose([x, y]);
  });
});
