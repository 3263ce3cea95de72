// Fashion-MNIST through its dataset spec, from the real files of Debian's package dataset-fashion-mnist
// (/usr/share/datasets/fashion-mnist/, recompressed: another .gz md5, the same content), named in $LECTURE3_DATA_MIRROR
// as CI's .ci/run does. The spec machinery on real MNIST too, from the same mirror list.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { FASHION_MNIST_SPEC, FashionMNIST } from "../lib/node/data/fashion-mnist";
import { MNIST } from "../lib/node/data/mnist";
import { MIRROR_ENV, mirrorCandidates, obtain } from "../lib/node/data/sources";
import { remoteFiles } from "../lib/node/data/spec";

const MIRROR = process.env[MIRROR_ENV] ?? "";
const files = remoteFiles(FASHION_MNIST_SPEC);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lecture3-fashion-"));
const quiet = () => undefined;
const rawMd5 = (file: string) => createHash("md5").update(gunzipSync(fs.readFileSync(file))).digest("hex");

beforeAll(() => {
  if (mirrorCandidates(files.test.images, MIRROR).some((c) => fs.existsSync(c))) return;
  const installed = fs.existsSync("/usr/share/datasets/fashion-mnist");
  throw new Error(
    `Fashion-MNIST is in none of the mirror folders ${MIRROR_ENV}=${MIRROR || "(unset)"}. ` +
      (installed ? "Debian's copy is installed (/usr/share/datasets/fashion-mnist/): " : "Install Debian's copy: apt-get install dataset-fashion-mnist (it puts the files in /usr/share/datasets/fashion-mnist/), then ") +
      `add its folder to the list: export ${MIRROR_ENV}="${MIRROR ? `${MIRROR}:` : ""}/usr/share/datasets" (.ci/run does both).`,
  );
});

describe("Fashion-MNIST from the mirror", () => {
  test("the test set: 10,000 images 28x28, 1,000 of each of the 10 classes, torchvision's class names; the cache keeps the content-verified copy", async () => {
    const root = tmp();
    const test_set = await FashionMNIST({ root, train: false, mirror: MIRROR, log: quiet });
    expect(test_set.length).toBe(10000);
    expect(test_set.shape).toEqual([28, 28, 1]);
    expect(test_set.classes).toEqual(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    expect(test_set.labels[0]).toBe(9); // an ankle boot
    const counts = new Array(10).fill(0);
    test_set.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(1000));
    expect(Math.max(...test_set.image(0))).toBeGreaterThan(200); // real pixels, not zeros
    // the cached files: their content has the md5 torchvision's files decompress to
    const cached = [files.test.images, files.test.labels].map((f) => path.join(root, f.folder, f.name));
    expect(cached.map(rawMd5)).toEqual([FASHION_MNIST_SPEC.testImages[2], FASHION_MNIST_SPEC.testLabels[2]]);
    // a second load takes them from the cache: accepted by content, not removed as corrupt
    const lines: string[] = [];
    const stamp = fs.statSync(cached[0]).mtimeMs;
    expect((await FashionMNIST({ root, train: false, mirror: "", log: (l) => lines.push(l) })).length).toBe(10000);
    expect(lines).toEqual([]);
    expect(fs.statSync(cached[0]).mtimeMs).toBe(stamp);
  });

  test("the training set: 60,000 images, 6,000 of each class, labels within the 10 classes", async () => {
    const train_set = await FashionMNIST({ root: tmp(), train: true, mirror: MIRROR, log: quiet });
    expect(train_set.length).toBe(60000);
    expect(train_set.images.length).toBe(60000 * 28 * 28);
    const counts = new Array(10).fill(0);
    train_set.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(6000));
  });

  test("MNIST and Fashion-MNIST from one mirror list: the same file names, each data set gets its own files", async () => {
    // a folder earlier in the list holds MNIST's labels under Fashion-MNIST's folder: passed over (md5), not taken
    const decoy = tmp();
    const mnistLabels = mirrorCandidates({ ...files.test.labels, folder: "mnist" }, MIRROR).find((c) => fs.existsSync(c));
    expect(mnistLabels).toBeDefined();
    fs.mkdirSync(path.join(decoy, "fashion-mnist"));
    fs.copyFileSync(mnistLabels!, path.join(decoy, "fashion-mnist", files.test.labels.name));
    const list = `${decoy}${path.delimiter}${MIRROR}`;
    const fashion = await FashionMNIST({ root: tmp(), train: false, mirror: list, log: quiet });
    const digits = await MNIST({ root: tmp(), train: false, mirror: list, log: quiet });
    expect([fashion.labels[0], digits.labels[0]]).toEqual([9, 7]);
    expect(digits.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(Buffer.compare(Buffer.from(fashion.images), Buffer.from(digits.images))).not.toBe(0);
  });

  test("a mirror copy whose content differs is refused, with the remedy", async () => {
    const bad = tmp();
    fs.mkdirSync(path.join(bad, "fashion-mnist"));
    fs.writeFileSync(path.join(bad, "fashion-mnist", files.test.labels.name), gunzipSync(fs.readFileSync(mirrorCandidates(files.test.labels, MIRROR).find((c) => fs.existsSync(c))!)).subarray(0, 100));
    await expect(obtain(files.test.labels, { root: tmp(), mirror: bad, log: quiet })).rejects.toThrow(
      /t10k-labels-idx1-ubyte\.gz: md5 [0-9a-f]{32}, expected bb300cfdad3c16e7a12a480ee83cd310; the mirror's copy of t10k-labels-idx1-ubyte\.gz is corrupt\. Replace it/,
    );
  });
});
