// lib/browser/index.ts, the "lecture3" of the site's kernel: 01's names work there (mobilenet, images,
// datasets.Hymenoptera's validation photos: the site's test runs 01), and the node face's names that the site lacks
// (03/06/07's data sets, the training photos, ImageFolder, mobilenet.untrained) are there and say in Japanese that
// they are not in the site (not "undefined is not a function"); importing them does not throw.
import * as browser from "../../lib/browser";
import * as nodeImages from "../../lib/node/data/images";

const MISSING = "はブラウザ版 (サイト) にはまだありません。このノートブックはローカル版 (npm run lab) で実行してください";

test("the node face's data sets the site lacks: present in the site's face, and a use of one says it is missing", async () => {
  for (const name of ["FashionMNIST", "ImageFolder", "CIFAR10"] as const) {
    await expect(browser.datasets[name]({ train: false })).rejects.toThrow(`datasets.${name} ${MISSING}`);
  }
  await expect(browser.datasets.Hymenoptera({ train: true })).rejects.toThrow(`datasets.Hymenoptera の訓練データ (train: true) ${MISSING}`);
  await expect(browser.datasets.Hymenoptera()).rejects.toThrow("datasets.Hymenoptera の訓練データ (train: true) はブラウザ版");
  expect(typeof browser.datasets.MNIST).toBe("function");
});

test("images and mobilenet: the core's members are there (01's), the node face's file-reading ones say they are missing", () => {
  const { mobilenet, images } = browser; // what a cell's import does: binding the names throws nothing
  expect([typeof mobilenet, typeof images, (mobilenet as unknown as { then?: unknown }).then]).toEqual(["object", "object", undefined]);
  expect(typeof images.mobilenetNormalize()).toBe("function");
  expect(images.jpegDataUri).toBe(nodeImages.jpegDataUri); // one code for both editions
  expect([typeof mobilenet.load, typeof mobilenet.top5Rows, typeof mobilenet.showTop5, mobilenet.IMAGENET_CLASSES.length]).toEqual(["function", "function", "function", 1000]);
  const imagesOfNode = images as unknown as Record<string, unknown>;
  expect(() => imagesOfNode.readImage).toThrow(`images.readImage ${MISSING}`);
  expect(() => imagesOfNode.ImageFolder).toThrow("images.ImageFolder はブラウザ版");
  expect(() => (mobilenet as unknown as Record<string, unknown>).untrained).toThrow(`mobilenet.untrained ${MISSING}`);
});
