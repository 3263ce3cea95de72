// Lecture notebooks beyond 02 in the site, as a student opens them: run all cells, no error, the tslab edition's
// checks hold for what the browser computed (edition "site"), nothing leaves the origin. Slow (05: 181-443 s at a
// load average of 14-21, 121-154 CPU s, its CNN trained on 10,000 images in the browser; 08: 563 s at a load of
// 18-26, 306 CPU s; 03: 1539 s at a load of 7-10, its eleven MLP trainings; 06: see docs/site.md; 07: 193 s at a
// load of 3-5, 3 epochs on CIFAR-10's 50,000 JPEGs): only with LECTURE3_SITE_SLOW=1 (playwright.config.js), not
// in npm test's site step.
//   LECTURE3_SITE_SLOW=1 npx playwright test -c test/site notebooks [-g 03_generalization]
"use strict";
const { test, expect } = require("@playwright/test");
const { guardOrigin, openNotebook, execute, runWithChecks } = require("./page");

test("03_generalization runs to the end in the site and its checks hold (its 1,000-image MLP trainings in the browser)", async ({ page, context }) => {
  test.setTimeout(45 * 60 * 1000); // 3.6 min on two threads in node's WebAssembly; more in a loaded browser
  const foreign = await guardOrigin(context);
  await runWithChecks(page, "03_generalization.ipynb", { timeoutMs: 44 * 60 * 1000 });
  expect(foreign).toEqual([]);
});

test("03's harder data in the site: the notebook's own line for it (datasets.FashionMNIST) reads the site's Fashion-MNIST", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  await openNotebook(page, "03_generalization.ipynb");
  // the notebook's markdown and cell 2 offer `const data = datasets.FashionMNIST;` to students who want harder data
  const { out, error } = await execute(page, [
    'import { datasets } from "lecture3";',
    "const data = datasets.FashionMNIST;",
    "const train_set = await data({ train: true, download: true });",
    "const test_set = await data({ train: false });",
    'console.log(train_set.length, test_set.length, train_set.shape.join("x"), train_set.classes.join("|"), Array.from(test_set.labels.slice(0, 5)).join(","));',
  ].join("\n"));
  expect(error).toBeNull();
  // Fashion-MNIST's sizes, classes and first test labels (Ankle boot, Pullover, Trouser, Trouser, Shirt)
  expect(out.trim()).toBe("60000 10000 28x28x1 T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot 9,2,1,1,6");
  expect(foreign).toEqual([]);
});

test("05_conv_pooling runs to the end in the site, its checks hold, plot.showPng draws a PNG", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  const doc = await runWithChecks(page, "05_conv_pooling.ipynb");
  // plot.showPng's own output (not the PNG snapshot JupyterLab's plotly renderer adds to a figure): a PNG of the
  // test digit, 28×28 enlarged 6 times, drawn in the page
  const png = doc.cells.filter((c) => [].concat(c.source).join("").includes("plot.showPng("))
    .flatMap((c) => c.outputs).find((o) => o.data && o.data["image/png"] && !o.data["application/vnd.plotly.v1+json"]);
  expect(png && [].concat(png.data["text/plain"]).join("")).toBe("[image 28×28×1]");
  const bytes = Buffer.from(png.data["image/png"], "base64");
  expect([bytes.subarray(1, 4).toString(), bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual(["PNG", 168, 168]);
  const size = await page.locator('.jp-RenderedImage img[src^="data:image/png"]').evaluateAll((imgs) => imgs.map((i) => [i.naturalWidth, i.naturalHeight]));
  expect(size).toContainEqual([168, 168]);
  expect(foreign).toEqual([]);
});

test("08_deep_networks runs to the end in the site and its checks hold (the student version: 演習9 未解答)", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  await runWithChecks(page, "08_deep_networks.ipynb");
  expect(foreign).toEqual([]);
});

test("06_transfer_learning runs to the end in the site and its checks hold (MobileNet, the 244 training photos, training from scratch)", async ({ page, context }) => {
  test.setTimeout(45 * 60 * 1000);
  const foreign = await guardOrigin(context);
  await runWithChecks(page, "06_transfer_learning.ipynb", { timeoutMs: 44 * 60 * 1000 });
  expect(foreign).toEqual([]);
});

test("07_cifar10 runs to the end in the site and its checks hold (CIFAR-10's JPEG copy, 3 epochs on 50,000 images)", async ({ page, context }) => {
  test.setTimeout(45 * 60 * 1000);
  const foreign = await guardOrigin(context);
  await runWithChecks(page, "07_cifar10.ipynb", { timeoutMs: 44 * 60 * 1000 });
  expect(foreign).toEqual([]);
});
