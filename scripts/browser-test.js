#!/usr/bin/env node
// The real-browser test: JupyterLab driven in headless chromium (playwright-core), as students use it.
//   1. 01_imagenet and 02_mnist_mlp: Run All, the outputs and figures on screen, save, reopen without running.
//   2. The student flow of 04_mnist_conv (scripts/browser/student-flow.js): cell by cell from a subfolder, the live
//      curve gaining points during training, Kernel > Interrupt, wrong and right answers, a compile error in an
//      answer cell, a check run first after a restart, the saved notebook's size.
// The notebooks are copied (outputs stripped) to artifacts/browser/notebooks/, the server's root, so running and
// saving in the UI never touches the committed notebooks. Every request to a host other than 127.0.0.1 is
// blocked and fails the test. Screenshots and the server's log go to artifacts/browser/.
// Ends with "browser: N passed, M failed" (the harness: scripts/browser/lab.js).
//
//   node scripts/browser-test.js          (npm test runs it when chromium is installed)
//
// Environment: CHROMIUM (default /usr/bin/chromium), BROWSER_TEST_TIMEOUT_S (default 900), BROWSER_TEST_ONLY=01-02|04,
// BROWSER_TEST_HEADED=1 (show the window), TFJS_BACKEND (the backend line to expect).
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const lab = require("./browser/lab");
const studentFlow = require("./browser/student-flow");
const { root, out, work, server, blocked, pageErrors, check, info, secs, sleep, waitFor, openNotebook, runAll, readOutputs, notebookState,
  screenshotNotebook, screenshotPlots, saveNotebook, shutdownKernels, probeResize } = lab;

const NB1 = "01_imagenet.ipynb";
const NB2 = "02_mnist_mlp.ipynb";

const firstCellText = (o) => o.outputs[0] || "";
const errorsIn = (o) => o.stderr.filter((t) => /Error/.test(t));
const describePlots = (o) => o.plots.map((p, i) => `#${i + 1} ${p.width}x${p.height} svg×${p.svgs} heatmaps ${p.heatmaps} bars ${p.bars} line points ${p.linePoints}`).join("; ");

async function main() {
  if (!fs.existsSync(lab.jupyter)) throw new Error(`${lab.jupyter} is missing: run npm run setup`);
  fs.mkdirSync(out, { recursive: true });
  lab.prepareWorkDir([{ from: NB1, to: NB1 }, { from: NB2, to: NB2 }, ...studentFlow.copies]);
  if (!process.env.LECTURE3_DATA_MIRROR) info("LECTURE3_DATA_MIRROR is not set: MNIST comes from the cache datasets/mnist (or is downloaded)");

  console.log(`starting JupyterLab (${path.relative(root, work)}) ...`);
  lab.state.phase = "starting JupyterLab";
  await lab.startServer();
  check("JupyterLab answers on 127.0.0.1 with a token", true);
  const refused = await new Promise((resolve) => {
    http.get({ host: "127.0.0.1", port: server.port, path: "/api/contents" }, (res) => {
      res.resume();
      resolve(res.statusCode === 403 || res.statusCode === 401 ? true : `answered ${res.statusCode}`);
    }).on("error", (e) => resolve(String(e)));
  });
  check("the API refuses requests without the token", refused === true, `GET /api/contents without a token: ${refused}`);
  const page = await lab.launch();

  const only = process.env.BROWSER_TEST_ONLY; // "01-02" or "04": one part only (while working on it)
  if (only !== "04") await notebooks0102(page);
  // ---- 04 as a student works through it
  if (only !== "01-02") {
    console.log(`\n=== ${studentFlow.NB} (student flow, ${secs()})`);
    await studentFlow.run(page);
  }

  const news = await page.evaluate(() => /Jupyter news|Would you like to (get|receive) official Jupyter news/i.test(document.body.innerText));
  check("no news pop-up (the project's JupyterLab settings)", !news, "a news notification is on screen");
  check("no request left 127.0.0.1 (plots work offline)", blocked.size === 0, [...blocked].slice(0, 10).join("\n"));
  if (pageErrors.length) info(`page errors / console errors (not counted): ${[...new Set(pageErrors)].slice(0, 8).join(" | ").slice(0, 1500)}`);
}

/** 01 and 02: Run All, what is on screen, save and reopen. */
async function notebooks0102(page) {
  // ---- 01: run all, outputs, one bar chart
  const wantBackend = process.env.TFJS_BACKEND && !["auto", "tensorflow"].includes(process.env.TFJS_BACKEND) ? process.env.TFJS_BACKEND : "tensorflow";
  console.log(`\n=== ${NB1} (${secs()})`);
  await openNotebook(page, NB1);
  const r1 = await runAll(page, NB1, 120000);
  info(`ran in ${r1.seconds.toFixed(0)} s, prompts ${r1.prompts.join(" ")}`);
  check(`${NB1}: every code cell ran`, r1.numbered === r1.prompts.length && r1.prompts.length > 0, `prompts ${r1.prompts.join(" ")}`);
  await waitFor(`${NB1}'s plot`, async () => (await readOutputs(page)).plots.some((p) => p.svgs > 0), 30000).catch(() => {});
  const o1 = await readOutputs(page);
  check(`${NB1}: no error output`, errorsIn(o1).length === 0, errorsIn(o1).join("\n---\n").slice(0, 1500));
  check(`${NB1}: first output says "backend: ${wantBackend}"`, firstCellText(o1).includes(`backend: ${wantBackend}`), JSON.stringify(firstCellText(o1).slice(0, 300)));
  const topk = o1.outputs.join("\n").match(/トップ5 正解率 = ([\d.]+)/);
  check(`${NB1}: prints the top-5 accuracy`, topk, "no 'トップ5 正解率 = …' line");
  if (topk) info(`tf.topk: トップ5 正解率 = ${topk[1]}`);
  info(`plots: ${describePlots(o1)}`);
  const bar1 = o1.plots.filter((p) => p.svgs > 0 && p.width > 100 && p.height > 100);
  check(`${NB1}: plotly SVG drawn (≥ 1 figure)`, bar1.length >= 1, `found ${o1.plots.length} .js-plotly-plot, ${describePlots(o1) || "none"}`);
  check(`${NB1}: the bar chart has its 7 bars`, o1.plots.some((p) => p.bars >= 7), describePlots(o1) || "no plot");
  await screenshotNotebook(page, "01_imagenet.png");
  await screenshotPlots(page, "01_imagenet");

  // ---- 01 saved, closed, reopened without running: the figure comes back from the file
  await saveNotebook(page, NB1)
    .then(() => check(`${NB1}: saved from the UI (the file holds the plotly output)`, true))
    .catch((e) => check(`${NB1}: saved from the UI (the file holds the plotly output)`, false, e.message));
  await shutdownKernels();
  await openNotebook(page, NB1);
  const name = `${NB1}: reopened without running, the saved figure shows (plotly's PNG snapshot)`;
  const reopened = await waitFor(`${NB1}'s saved figure after reopening`, async () => {
    const o = await readOutputs(page);
    return o.snapshots.some((i) => i.shown && i.width > 100 && i.height > 100) || o.plots.some((p) => p.svgs > 0 && p.width > 100) ? o : null;
  }, 30000).catch((e) => e);
  if (reopened instanceof Error) {
    const o = await readOutputs(page);
    check(name, false, `${reopened.message}; plotly outputs ${o.renderers}, snapshots ${JSON.stringify(o.snapshots)}`);
  } else {
    const st1 = await notebookState(page);
    check(`${NB1}: reopened, nothing runs and the outputs are back`, st1.running === 0 && firstCellText(reopened).includes("backend: "), `prompts ${st1.prompts.join(" ")}; first output ${JSON.stringify(firstCellText(reopened).slice(0, 100))}`);
    check(name, true);
    info(`snapshots: ${JSON.stringify(reopened.snapshots)}`);
    // the mouse on the snapshot: the interactive SVG figure is drawn from the saved JSON
    const target = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedPlotly").first();
    await target.scrollIntoViewIfNeeded();
    await sleep(300);
    await target.screenshot({ path: path.join(out, "01_imagenet-reopened-snapshot.png") });
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const svg = await waitFor(`the SVG figure after moving the mouse onto the snapshot`, async () => {
      const o = await readOutputs(page);
      return o.plots.some((p) => p.bars >= 7 && p.width > 100) ? o : null;
    }, 20000).catch((e) => e);
    check(`${NB1}: reopened, the plotly SVG renders from the saved output (7 bars)`, !(svg instanceof Error), svg instanceof Error ? svg.message : "");
    await page.mouse.move(5, 5);
  }
  await screenshotNotebook(page, "01_imagenet-reopened.png");
  await shutdownKernels();

  // ---- 02: MNIST MLP, 3 epochs
  console.log(`\n=== ${NB2} (${secs()})`);
  await openNotebook(page, NB2);
  const r2 = await runAll(page, NB2, Math.min(300000, lab.left() - 30000));
  info(`ran in ${r2.seconds.toFixed(0)} s, prompts ${r2.prompts.join(" ")}`);
  check(`${NB2}: every code cell ran`, r2.numbered === r2.prompts.length && r2.prompts.length > 0, `prompts ${r2.prompts.join(" ")}`);
  await waitFor(`${NB2}'s 3 plots`, async () => (await readOutputs(page)).plots.filter((p) => p.svgs > 0).length >= 3, 30000).catch(() => {});
  const o2 = await readOutputs(page);
  check(`${NB2}: no error output`, errorsIn(o2).length === 0, errorsIn(o2).join("\n---\n").slice(0, 1500));
  check(`${NB2}: first output says "backend: ${wantBackend}"`, firstCellText(o2).includes(`backend: ${wantBackend}`), JSON.stringify(firstCellText(o2).slice(0, 300)));
  const acc = o2.outputs.join("\n").match(/accuracy = (0\.\d+) \((\d+) \/ 10000\)/);
  check(`${NB2}: prints "accuracy = 0.… (… / 10000)"`, acc, "no such line; outputs:\n" + o2.outputs.join("\n").slice(-600));
  if (acc) info(`accuracy = ${acc[1]} (${acc[2]} / 10000)`);
  info(`plots: ${describePlots(o2)}`);
  const drawn2 = o2.plots.filter((p) => p.svgs > 0 && p.width > 100 && p.height > 100);
  check(`${NB2}: plotly SVG drawn (≥ 3 figures)`, drawn2.length >= 3, `found ${drawn2.length}: ${describePlots(o2) || "none"}`);
  check(`${NB2}: the training images grid shows 16 images`, o2.plots[0] && o2.plots[0].heatmaps >= 16, describePlots(o2) || "no plot");
  check(`${NB2}: the loss curve is drawn`, o2.plots.some((p) => p.linePoints >= 10), describePlots(o2) || "no plot");
  const last = o2.plots[o2.plots.length - 1];
  check(`${NB2}: the predictions grid shows 24 images titled 正解 / 予測`, last && last.heatmaps >= 24 && last.annotations.filter((a) => a.includes("予測")).length >= 24, last ? `heatmaps ${last.heatmaps}, titles ${last.annotations.slice(0, 3).join(" | ")}` : "no plot");
  await screenshotNotebook(page, "02_mnist_mlp.png");
  await screenshotPlots(page, "02_mnist_mlp");
  await probeResize(page);
  await shutdownKernels();


}

lab.run(main);
