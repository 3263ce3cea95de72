// Every notebook of notebooks/ and notebooks/solutions/ in JupyterLab:
//   - the quick ones (RUN: 01, 02, 05): Run All in the browser, the outputs and figures on screen, saved from the UI,
//     closed and reopened without running: the figures come back from the file;
//   - the others as step 4 of npm test executed them (artifacts/notebooks/, from scripts/run-notebooks.js): opened,
//     every saved figure drawn.
// In both, Japanese text is drawn with real glyphs, and no request leaves 127.0.0.1 (lab.js's `test`).
"use strict";
const fs = require("fs");
const path = require("path");
const lab = require("./lab");
const { test, check, until, root, out, PANEL, sleep, openNotebook, readOutputs, drawn, describePlots } = lab;

const backend = process.env.TFJS_BACKEND && !["auto", "tensorflow"].includes(process.env.TFJS_BACKEND) ? process.env.TFJS_BACKEND : "tensorflow";
const text = (o) => o.outputs.join("\n");

/** The notebooks run in the browser: how long Run All may take, how many figures they draw, what else to see. */
const RUN = {
  "01_imagenet.ipynb": {
    timeout: 120000,
    figures: 5,
    checks: (o) => [["prints the top-5 accuracy", /トップ5 正解率 = [\d.]+/.test(text(o)), "no 'トップ5 正解率 = …' line"], ["the bar chart has its 7 bars", o.plots.some((p) => p.bars >= 7), describePlots(o)]],
    reopened: (p) => p.bars >= 7, // the figure the mouse is moved onto, drawn again from the saved output
  },
  "02_mnist_mlp.ipynb": {
    timeout: 300000,
    figures: 3,
    checks: (o) => {
      const last = o.plots[o.plots.length - 1];
      return [
        ['prints "accuracy = 0.… (… / 10000)"', /accuracy = 0\.\d+ \(\d+ \/ 10000\)/.test(text(o)), text(o).slice(-600)],
        ["the training images grid shows 16 images", o.plots[0] && o.plots[0].heatmaps >= 16, describePlots(o)],
        ["the loss curve is drawn", o.plots.some((p) => p.linePoints >= 10), describePlots(o)],
        ["the predictions grid shows 24 images titled 正解 / 予測", last && last.heatmaps >= 24 && last.annotations.filter((a) => a.includes("予測")).length >= 24, last ? `heatmaps ${last.heatmaps}, titles ${last.annotations.slice(0, 3).join(" | ")}` : "no plot"],
      ];
    },
    reopened: (p) => p.heatmaps >= 16,
    resize: true,
  },
  "05_conv_pooling.ipynb": {
    timeout: 120000,
    figures: 4,
    checks: (o) => [
      ["prints the CNN's test accuracy over 10000 images", /この CNN のテスト正解率 = [\d.]+ % \(\d+ \/ 10000\)/.test(text(o)), text(o).slice(0, 600)],
      ["the 32 kernels of the first convolution are drawn", o.plots[0] && o.plots[0].heatmaps >= 32, describePlots(o)],
    ],
    reopened: (p) => p.heatmaps >= 32,
  },
};

const notebooks = ["notebooks", "notebooks/solutions"].flatMap((dir) =>
  fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.relative("notebooks", path.join(dir, f))));
const shotName = (nb) => nb.replace(/\//g, "-").replace(/\.ipynb$/, "");

test("JupyterLab answers on 127.0.0.1 and refuses requests without the token", async () => {
  const withToken = await lab.api("GET", "/api/contents");
  await check("JupyterLab answers on 127.0.0.1 with a token", withToken.status === 200, `GET /api/contents: ${withToken.status}`);
  const without = await lab.api("GET", "/api/contents", { token: false });
  await check("the API refuses requests without the token", [401, 403].includes(without.status), `GET /api/contents without a token: ${without.status}`);
});

/** The checks on a notebook that is open and has run (in the browser, or before, by nbconvert). */
async function outputsShown(page, nb, figures) {
  const o = await readOutputs(page);
  await check(`${nb}: first output says "backend: ${backend}"`, (o.outputs[0] || "").includes(`backend: ${backend}`), JSON.stringify((o.outputs[0] || "").slice(0, 300)));
  await check(`${nb}: no error output`, o.errors.length === 0, o.errors.join("\n---\n").slice(0, 1500));
  await check(`${nb}: every figure drawn as plotly SVG (${figures})`, o.plots.filter(drawn).length >= figures, describePlots(o));
  const g = await lab.japaneseGlyphs(page);
  await check(`${nb}: Japanese text drawn with real glyphs (a heading, a figure)`, g.markdown.ok && g.figure.ok, JSON.stringify(g));
  return o;
}

for (const nb of notebooks.filter((n) => RUN[n])) {
  const want = RUN[nb];
  test(`${nb}: Run All in the browser, saved, reopened`, async ({ page }) => {
    lab.copyNotebook(`notebooks/${nb}`, nb);
    await openNotebook(page, nb);
    const r = await lab.runAll(page, nb, want.timeout);
    console.log(`${nb} ran in ${r.seconds.toFixed(0)} s, prompts ${r.prompts.join(" ")}`);
    await check(`${nb}: every code cell ran`, r.numbered === r.prompts.length && r.prompts.length > 0, `prompts ${r.prompts.join(" ")}`);
    await until(`${nb}'s ${want.figures} figures`, async () => (await readOutputs(page)).plots.filter(drawn).length >= want.figures, 30000).catch(() => {});
    const o = await outputsShown(page, nb, want.figures);
    for (const [name, ok, detail] of want.checks(o)) await check(`${nb}: ${name}`, ok, detail);
    await lab.screenshotNotebook(page, `${shotName(nb)}.png`);
    await lab.screenshotPlots(page, shotName(nb));
    if (want.resize) await figuresKeepHeight(page, nb);

    // saved, closed, reopened without running: the figures come back from the file
    const saved = await lab.saveNotebook(page, nb).then(() => "", (e) => e.message);
    await check(`${nb}: saved from the UI (the file holds the plotly outputs)`, !saved, saved);
    await lab.shutdownKernels();
    await openNotebook(page, nb);
    const st = await lab.notebookState(page);
    const shown = (x) => x.snapshots.filter((i) => i.shown && i.width > 100 && i.height > 100).length + x.plots.filter(drawn).length;
    const back = await until(`${nb}'s saved figures after reopening`, async () => {
      const x = await readOutputs(page);
      return shown(x) >= want.figures ? x : null;
    }, 30000).catch(() => readOutputs(page));
    await check(`${nb}: reopened, nothing runs and the outputs are back`, st.running === 0 && (back.outputs[0] || "").includes("backend: "), `prompts ${st.prompts.join(" ")}; first output ${JSON.stringify((back.outputs[0] || "").slice(0, 100))}`);
    await check(`${nb}: reopened without running, every saved figure shows (plotly's PNG snapshot or SVG)`, shown(back) >= want.figures, `plotly outputs ${back.renderers}, snapshots ${JSON.stringify(back.snapshots)}, ${describePlots(back)}`);
    // the mouse on the first snapshot: the interactive SVG figure is drawn from the saved JSON
    const target = page.locator(`${PANEL} .jp-RenderedPlotly`).first();
    await target.scrollIntoViewIfNeeded();
    await sleep(300);
    await target.screenshot({ path: path.join(out, `${shotName(nb)}-reopened-snapshot.png`) });
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const svg = await until("the SVG figure after moving the mouse onto the snapshot", async () => (await readOutputs(page)).plots.some((p) => drawn(p) && want.reopened(p)), 20000).catch(() => false);
    await check(`${nb}: reopened, the first figure renders as plotly SVG from the saved output`, svg, describePlots(await readOutputs(page)));
    await page.mouse.move(5, 5);
  });
}

for (const nb of notebooks.filter((n) => !RUN[n])) {
  test(`${nb}: the executed copy reopened, its saved figures drawn`, async ({ page }) => {
    const executed = path.join("artifacts", "notebooks", nb);
    const again = `run it first: npm run notebooks -- ${nb.replace(/_.*/, "")}`; // 03, solutions/04
    if (!fs.existsSync(path.join(root, executed))) throw new Error(`${executed} is missing (step 4 of npm test writes it); ${again}`);
    if (fs.statSync(path.join(root, executed)).mtimeMs < fs.statSync(path.join(root, "notebooks", nb)).mtimeMs) throw new Error(`${executed} is older than notebooks/${nb}; ${again}`);
    // without its kernelspec it opens without a kernel (nothing is to run): the figures come from the file alone
    const doc = lab.copyNotebook(executed, nb, { keepOutputs: true, edit: (d) => delete d.metadata.kernelspec });
    const figures = doc.cells.flatMap((c) => c.outputs || []).filter((x) => x.data && x.data["application/vnd.plotly.v1+json"]).length;
    const withOutputs = doc.cells.filter((c) => c.cell_type === "code").map((c) => c.outputs.length > 0);
    await openNotebook(page, nb, { kernel: false });
    // JupyterLab attaches the cells a few at a time
    const shown = await until(`${nb}'s ${withOutputs.length} code cells`, async () => {
      const x = await page.locator(`${PANEL} .jp-CodeCell`).evaluateAll((cells) => cells.map((c) => c.querySelectorAll(".jp-OutputArea-child").length > 0));
      return x.length === withOutputs.length ? x : null;
    }, 90000).catch(() => []); // the solutions' 04 (1.9 MB, 45 cells) beside three other CI jobs took over 30 s
    await check(`${nb}: opened, its ${withOutputs.length} code cells are shown, each with its saved outputs`, JSON.stringify(shown) === JSON.stringify(withOutputs), `outputs per code cell: file ${withOutputs}, page ${shown}`);
    await until(`${nb}'s ${figures} figures`, async () => (await readOutputs(page)).plots.filter(drawn).length >= figures, 30000).catch(() => {});
    await outputsShown(page, nb, figures);
    await lab.screenshotPlots(page, shotName(nb));
  });
}

/** Figures scrolled out of view must keep their height when the window is resized (plotly's `responsive` config
 *  collapsed them to 0 px under JupyterLab's windowed notebook; lib's figures do not set it). */
async function figuresKeepHeight(page, nb) {
  const heights = () => page.evaluate((sel) => [...document.querySelectorAll(`${sel} .jp-RenderedPlotly`)].map((o) => Math.round(o.getBoundingClientRect().height)), PANEL);
  const before = await heights();
  await page.evaluate((sel) => (document.querySelector(`${sel} .jp-WindowedPanel-outer`).scrollTop = 0), PANEL);
  await sleep(500);
  const vp = page.viewportSize();
  await page.setViewportSize({ width: vp.width, height: vp.height - 200 }); // a window made shorter
  await sleep(1200);
  const after = await heights();
  await page.setViewportSize(vp);
  await sleep(1200);
  const collapsed = after.filter((h, i) => h < 20 && before[i] >= 20).length;
  await check(`${nb}: figures keep their height after a window resize while scrolled out of view`, collapsed === 0 && before.length > 0, `heights ${before.join(",")} -> ${after.join(",")}`);
}
