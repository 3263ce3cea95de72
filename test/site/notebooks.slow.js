// Lecture notebooks beyond 02 in the site, as a student opens them: run all cells, no error, the tslab edition's
// checks hold for what the browser computed (edition "site"), nothing leaves the origin. Slow (05: 181-443 s at a
// load average of 14-21, 121-154 CPU s, its CNN trained on 10,000 images in the browser; 08: 563 s at a load of
// 18-26, 306 CPU s): only with LECTURE3_SITE_SLOW=1 (playwright.config.js), not in npm test's site step.
//   LECTURE3_SITE_SLOW=1 npx playwright test -c test/site notebooks
"use strict";
const { test, expect } = require("@playwright/test");
const { guardOrigin, runWithChecks } = require("./page");

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
