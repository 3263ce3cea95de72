// The site's page as the tests drive it (site.spec.js, solutions-04.slow.js) and the browser bench
// (scripts/bench/browser_epoch.js): the origin guard, opening a notebook, Run All and waiting for its end, the errors
// it shows, code run in the kernel outside the cells, and a notebook run with its checks (the slow tier's).
"use strict";
const fs = require("fs");
const path = require("path");
const { outputs, runChecks } = require("../notebooks/checks");

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

/** Opens a notebook of the site and waits until its kernel is idle. */
async function openNotebook(page, name) {
  await page.goto(`${site()}/lab/index.html?path=${encodeURIComponent(name)}`);
  await waitKernelIdle(page, name);
}

/** Waits until the open notebook's kernel is idle (and, given `name`, that notebook is the one open). */
async function waitKernelIdle(page, name = null) {
  const ready = (name) => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!(k && k.status === "idle" && w.content.model && (name === null || w.context.path === name) && self.crossOriginIsolated);
  };
  // cross-origin isolated (threads): the site's service worker controls the page, after one reload on the first visit
  await page.waitForFunction(ready, name, { timeout: 120000 });
}

/**
 * Opens a notebook of the site, runs all its cells (Run > Run All Cells) and returns the notebook as JupyterLab has it.
 * `prepare(page)`, if given, runs between opening and running (e.g. writing answers into cells).
 */
async function runNotebook(page, name, timeoutMs, prepare = null) {
  await openNotebook(page, name);
  if (prepare) await prepare(page);
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

/** Runs `code` in the open notebook's kernel: what it printed, its error message's content ({ ename, evalue, traceback }) or null, and the reply's status. */
async function executeReply(page, code) {
  return page.evaluate(async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({ code });
    let out = "";
    let error = null;
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === "stream") out += msg.content.text;
      if (msg.header.msg_type === "error") error = { ename: msg.content.ename, evalue: msg.content.evalue, traceback: msg.content.traceback };
    };
    const reply = await future.done;
    return { out, error, status: reply.content.status };
  }, code);
}

/** Runs `code` in the open notebook's kernel (not in a cell): what it printed, and its error ("ename: evalue") or null. */
async function execute(page, code) {
  const { out, error } = await executeReply(page, code);
  return { out, error: error && `${error.ename}: ${error.evalue}` };
}

const errorsOf = (doc) => outputs(doc).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);

/**
 * Runs all cells of the site's notebook `name` (runNotebook; `prepare` as there), saves what it computed as artifacts/site/<artifact>
 * (and a screenshot beside it), and expects no error and the tslab edition's checks of `checks` (edition "site") to
 * hold for it. Returns the notebook as the browser computed it.
 */
async function runWithChecks(page, name, { checks = name, artifact = name, timeoutMs = 30 * 60 * 1000, prepare = null } = {}) {
  const { expect } = require("@playwright/test"); // here, not at the top: the browser bench requires this file outside playwright's runner
  const root = path.resolve(__dirname, "..", "..");
  const t0 = Date.now();
  const doc = await runNotebook(page, name, timeoutMs, prepare);
  console.log(`[site] ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  fs.writeFileSync(path.join(root, "artifacts", "site", artifact), JSON.stringify(doc));
  expect(errorsOf(doc)).toEqual([]);
  await expectJapaneseGlyphs(page);
  const drawn = await page.locator(".js-plotly-plot").count();
  const failed = runChecks({ doc, edition: "site", backend: "wasm", drawn }, checks).filter((c) => !c.ok);
  expect(failed).toEqual([]);
  await page.screenshot({ path: path.join(root, "artifacts", "site", artifact.replace(/\.ipynb$/, ".png")), fullPage: false });
  return doc;
}

/**
 * Japanese text in the open notebook is drawn with real glyphs (test/browser/lab.js's probe: two characters of its
 * first Japanese heading or paragraph, and of its first figure text with Japanese in it, if any, drawn in their
 * element's font differ from each other and from an empty box).
 */
async function expectJapaneseGlyphs(page) {
  const { expect } = require("@playwright/test");
  const { japaneseGlyphs } = require("../browser/lab");
  const g = await japaneseGlyphs(page);
  expect(g.markdown.ok && (g.figure.ok || g.figure.text === null), JSON.stringify(g)).toBe(true);
  return g;
}

module.exports = { site, guardOrigin, openNotebook, waitKernelIdle, runNotebook, runWithChecks, errorsOf, execute, executeReply, expectJapaneseGlyphs };
