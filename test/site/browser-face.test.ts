// lib/browser/index.ts, the "lecture3" of the site's kernel: the node face's names that the site lacks (01's
// mobilenet and photos, 03/06/07's data sets) are there, and using one says in Japanese that it is not in the site
// (not "undefined is not a function"); importing them does not throw.
import * as browser from "../../lib/browser";

test("the node face's data sets, images and mobilenet: present in the site's face, and a use of one says it is missing", async () => {
  for (const name of ["FashionMNIST", "ImageFolder", "CIFAR10", "Hymenoptera"] as const) {
    await expect(browser.datasets[name]({ train: false })).rejects.toThrow(`datasets.${name} はブラウザ版 (サイト) にはまだありません`);
  }
  expect(() => browser.mobilenet.load).toThrow("mobilenet.load はブラウザ版 (サイト) にはまだありません。このノートブックはローカル版 (npm run lab) で実行してください");
  expect(() => browser.images.mobilenetNormalize).toThrow("images.mobilenetNormalize はブラウザ版");
  const { mobilenet, images } = browser; // what a cell's import does: binding the names throws nothing
  expect([typeof mobilenet, typeof images, (mobilenet as unknown as { then?: unknown }).then]).toEqual(["object", "object", undefined]);
  expect(typeof browser.datasets.MNIST).toBe("function");
});
