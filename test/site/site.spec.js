// The JupyterLite site in Debian's chromium (server.js built and serves it): a notebook opened from the site runs
// to the end with the TypeScript kernel in the browser, and the same checks as the tslab edition hold for what it
// printed (test/notebooks/checks.js); its figures are drawn; no request leaves the site's origin (every other
// request is recorded and refused). Screenshots in artifacts/site/.
"use strict";
const path = require("path");
const { test, expect } = require("@playwright/test");
const { runChecks } = require("../notebooks/checks");

const root = path.resolve(__dirname, "..", "..");
const site = () => {
  if (!process.env.LECTURE3_SITE) throw new Error("no site: run with npx playwright test -c test/site");
  return process.env.LECTURE3_SITE;
};

/** Refuses and records every request to another origin (the page's and its workers'). */
async function guardOrigin(context) {
  const foreign = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(site() + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  return foreign;
}

/** Opens a notebook of the site, runs all its cells (Run > Run All Cells) and returns the notebook as JupyterLab has it. */
async function runNotebook(page, name, timeoutMs) {
  await page.goto(`${site()}/lab/index.html?path=${encodeURIComponent(name)}`);
  const ready = () => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!(k && k.status === "idle" && w.content.model);
  };
  await page.waitForFunction(ready, null, { timeout: 120000 });
  await page.evaluate(() => window.jupyterapp.commands.execute("notebook:run-all-cells"));
  // done: every code cell has run (or one failed, which stops the rest) and the kernel is idle
  await page.waitForFunction(() => {
    const w = window.jupyterapp.shell.currentWidget;
    const nb = w.content.model.toJSON();
    const code = nb.cells.filter((c) => c.cell_type === "code" && c.source.length > 0);
    const failed = code.some((c) => c.outputs.some((o) => o.output_type === "error"));
    return w.sessionContext.session.kernel.status === "idle" && (failed || code.every((c) => c.execution_count !== null));
  }, null, { timeout: timeoutMs, polling: 1000 });
  return page.evaluate(() => window.jupyterapp.shell.currentWidget.content.model.toJSON());
}

const errorsOf = (doc) => doc.cells.flatMap((c) => c.outputs || []).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);

test("02_mnist_mlp runs to the end in the site, its checks hold, nothing leaves the origin", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  const t0 = Date.now();
  const doc = await runNotebook(page, "02_mnist_mlp.ipynb", 15 * 60 * 1000);
  console.log(`[site] 02: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  expect(errorsOf(doc)).toEqual([]);
  const first = doc.cells.find((c) => c.cell_type === "code").outputs.map((o) => [].concat(o.text || "").join("")).join("");
  expect(first).toMatch(/^backend: (webgl|wasm|cpu) \(ブラウザ\)/);
  const failed = runChecks({ doc, backend: "wasm" }, "02_mnist_mlp.ipynb").filter((c) => !c.ok);
  expect(failed).toEqual([]);
  // the plotly figures are drawn by the plotly extension (16 images, the loss curve, 24 predictions)
  await expect(page.locator(".js-plotly-plot .main-svg").first()).toBeVisible();
  expect(await page.locator(".js-plotly-plot").count()).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: path.join(root, "artifacts", "site", "02_mnist_mlp.png"), fullPage: false });
  expect(foreign).toEqual([]);
});
