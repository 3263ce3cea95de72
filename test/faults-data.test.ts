// Issue 12, data and input faults not covered by test/data.test.ts: a valid gzip of a wrong file, an idx header of
// the wrong rank, a cached MNIST file truncated by hand, and wrong input shapes and dtypes given to the models.
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import * as tf from "@tensorflow/tfjs";
import { encodeIdx, parseIdx } from "../lib/core/data/idx";
import { MNIST, MNIST_FILES } from "../lib/node/data/mnist";
import { ImageDataset } from "../lib/core/data/dataset";
import { DataLoader } from "../lib/core/data/loader";
import { ConvNet, Net } from "../lib/core/models";
import { SGD } from "../lib/core/optim";
import { fit } from "../lib/core/train";
import { filesUnder, tmpDir } from "./fault-server";
import { backend, dataMirror, mirrorPath } from "./helpers";

beforeAll(backend);

test("a valid gzip of a wrong file (an HTML error page saved as .gz) is 'wrong magic number', naming the file", () => {
  const page = gzipSync(Buffer.from("<html><body>404 Not Found</body></html>"));
  expect(() => parseIdx(page, "datasets/mnist/train-images-idx3-ubyte.gz", 2051)).toThrow(
    /^datasets\/mnist\/train-images-idx3-ubyte\.gz: wrong magic number \d+ \(expected 2051\); this is not an MNIST idx file of that kind\. Check the file name or download it again/,
  );
});

test("an idx header of the wrong rank (a rank-2 file given as images) is refused by its magic number", () => {
  const rank2 = encodeIdx([2, 784], new Uint8Array(2 * 784));
  expect(() => parseIdx(rank2, "flat.idx", 2051)).toThrow(/^flat\.idx: wrong magic number 2050 \(expected 2051\)/);
});

test("a cached MNIST file truncated by hand is found by its md5 on the next load, removed and copied again", async () => {
  const root = tmpDir("cache");
  fs.mkdirSync(path.join(root, "mnist"));
  for (const f of [MNIST_FILES.test.images, MNIST_FILES.test.labels]) fs.copyFileSync(mirrorPath(`mnist/${f.name}`), path.join(root, "mnist", f.name));
  const cut = path.join(root, "mnist", MNIST_FILES.test.images.name);
  fs.truncateSync(cut, 100_000);
  const lines: string[] = [];
  const ds = await MNIST({ train: false, root, mirror: dataMirror(), log: (l) => lines.push(l) });
  expect(ds.length).toBe(10000);
  expect(lines.join("\n")).toMatch(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: md5 [0-9a-f]{32}, expected ${MNIST_FILES.test.images.md5}; removed the corrupt copy`));
  expect(filesUnder(root)).toEqual([MNIST_FILES.test.images.name, MNIST_FILES.test.labels.name].map((n) => path.join("mnist", n)).sort());
});

test("wrong input shapes to the models name the layer, the shape given and the shape needed", () => {
  const net = new Net();
  const conv = new ConvNet();
  tf.tidy(() => {
    expect(() => net.forward(tf.zeros([2, 10]))).toThrow(/^Linear\(784, 784\) got input of shape \[2,10\]; it needs \[N, 784\] \(reshape first\?\)/);
    expect(() => conv.forward(tf.zeros([2, 28, 28]))).toThrow(/^Conv2d\(1, 32, 3\) got input of shape \[2,28,28\]; it needs \[N, H, W, 1\]/);
    expect(() => conv.forward(tf.zeros([2, 1, 28, 28]))).toThrow(/^Conv2d\(1, 32, 3\) got input of shape \[2,1,28,28\]; it needs \[N, H, W, 1\]/); // PyTorch's NCHW
  });
  net.dispose();
  conv.dispose();
});

test("a wrong dtype (int32 images) to a model is an error naming the layer, float32 and int32", () => {
  const conv = new ConvNet();
  const net = new Net();
  const x = tf.zeros([2, 28, 28, 1], "int32");
  expect(() => conv.forward(x)).toThrow(/^Conv2d\(1, 32, 3\) got a int32 tensor of shape \[2,28,28,1\]; it needs float32 \(images through transforms\.ToTensor\(\), or x\.toFloat\(\)\)/);
  expect(() => net.forward(x)).toThrow(/^Linear\(784, 784\) got a int32 tensor of shape \[2,784\]; it needs float32/);
  x.dispose();
  conv.dispose();
  net.dispose();
});

test("fit() fed images of the wrong shape (CIFAR-10's 32×32×3 to the MNIST CNN) stops at the first batch naming both shapes", async () => {
  const n = 20;
  const ds = new ImageDataset(new Uint8Array(n * 32 * 32 * 3), Uint8Array.from({ length: n }, (_, i) => i % 10), [32, 32, 3]);
  const loader = new DataLoader({ dataset: ds, batch_size: 10 });
  const model = new ConvNet();
  const optimizer = SGD(model.parameters(), { lr: 0.1 }); // (tf's SGD keeps its learning rate as a tensor)
  const before = tf.memory().numTensors;
  await expect(fit(model, optimizer, loader, loader, { epochs: 1, progress: false })).rejects.toThrow(
    /Conv2d\(1, 32, 3\) got input of shape \[10,32,32,3\]; it needs \[N, H, W, 1\]/,
  );
  expect(tf.memory().numTensors).toBe(before); // nothing left behind by the failed step
  model.dispose();
});
