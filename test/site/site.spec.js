// The JupyterLite site in Debian's chromium (server.js built and serves it): a notebook opened from the site runs
// to the end with the TypeScript kernel in the browser, and the same checks as the tslab edition hold for what it
// printed (test/notebooks/checks.js, edition "site"); its figures are drawn; the model it saved loads after a page
// reload (IndexedDB); Kernel > Interrupt stops its training and the kernel stays usable; no request leaves the
// site's origin (every other request is recorded and refused). Screenshots in artifacts/site/.
"use strict";
const path = require("path");
const { test, expect } = require("@playwright/test");
const { reports, runChecks } = require("../notebooks/checks");
const { guardOrigin, openNotebook, waitKernelIdle, runNotebook, runWithChecks, errorsOf, execute, executeReply, expectJapaneseGlyphs } = require("./page");
const { SEVEN, drawStrokes } = require("../browser/strokes");

const root = path.resolve(__dirname, "..", "..");

/** Runs the notebook's code cell `i` (as Shift+Enter would, without moving on); waits for its end unless `wait` is false. */
async function runCell(page, i, wait = true) {
  await page.evaluate(async ([i, wait]) => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    nb.activeCellIndex = i;
    const done = window.jupyterapp.commands.execute("notebook:run-cell");
    if (wait) await done;
  }, [i, wait]);
}

/** The outputs of cell `i`, as the notebook's model has them now. */
const cellOutputs = (page, i) => page.evaluate((i) => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells[i].outputs, i);

const source = (doc, i) => [].concat(doc.cells[i].source).join("");

/**
 * drawDigit's view (@lecture3/views) in the open notebook: waits until it has loaded its model (data-state "empty"),
 * draws a 「7」 with the mouse and returns the view's 28×28 input and ten probabilities (data-input, data-probs).
 */
async function drawSeven(page) {
  const view = page.locator(".lecture3-draw-digit");
  await expect(view).toHaveCount(1, { timeout: 60 * 1000 });
  await view.scrollIntoViewIfNeeded();
  await expect(view, await view.textContent()).toHaveAttribute("data-state", "empty", { timeout: 60 * 1000 });
  await drawStrokes(page, view.locator("canvas.lecture3-draw-canvas"), SEVEN);
  await expect(view).toHaveAttribute("data-state", "predicted", { timeout: 20 * 1000 });
  return { input: JSON.parse(await view.getAttribute("data-input")), probs: JSON.parse(await view.getAttribute("data-probs")) };
}

/** The open notebook's `model` on the view's input, computed in the kernel: its ten probabilities. */
async function kernelProbs(page, input, shape) {
  const { out, error } = await execute(page, `console.log(JSON.stringify(Array.from(tf.softmax(model.forward(tf.tensor(${JSON.stringify(input)}, ${JSON.stringify(shape)}))).dataSync())))`);
  expect(error).toBeNull();
  return JSON.parse(out);
}

// 02's cells: 1 backend, 4 data, 10 the model (class Net), 12 training (3 epochs of 600 mini-batches), 14 the loss curve
test("Kernel > Interrupt stops 02's training at a mini-batch, and the kernel stays usable", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  await openNotebook(page, "02_mnist_mlp.ipynb");
  const doc = await page.evaluate(() => window.jupyterapp.shell.currentWidget.content.model.toJSON());
  expect(source(doc, 12)).toMatch(/for await \(const \[input, target\] of train_loader\)/);
  for (const i of [1, 4, 10]) await runCell(page, i);
  await runCell(page, 12, false);
  // the first progress line ("[  100] loss: …") is printed after the 100th mini-batch; then Kernel > Interrupt (the menu's command)
  await page.waitForFunction(() => JSON.stringify(window.jupyterapp.shell.currentWidget.content.model.toJSON().cells[12].outputs).includes("loss:"), null, { timeout: 5 * 60 * 1000, polling: 200 });
  const t0 = Date.now();
  await page.evaluate(() => window.jupyterapp.commands.execute("kernelmenu:interrupt"));
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells[12].outputs.some((o) => o.output_type === "error"), null, { timeout: 60 * 1000, polling: 100 });
  console.log(`[site] interrupt: the training cell stopped ${((Date.now() - t0) / 1000).toFixed(1)} s after Kernel > Interrupt`);
  const error = (await cellOutputs(page, 12)).find((o) => o.output_type === "error");
  expect(error.ename).toBe("KeyboardInterrupt");
  const m = error.evalue.match(/中断しました \(batch (\d+)\/600\)/);
  expect(m).not.toBeNull();
  const stoppedAt = Number(m[1]);
  expect(stoppedAt).toBeGreaterThanOrEqual(100); // interrupted after the 100th mini-batch ...
  expect(stoppedAt).toBeLessThan(600); // ... and the epoch did not run to its end (nor the next two)
  // the kernel stays usable: the loop's counter equals the mini-batch it stopped at, and a later cell runs
  await waitKernelIdle(page);
  expect(await execute(page, "console.log(i)")).toEqual({ out: `${stoppedAt}\n`, error: null });
  await runCell(page, 14);
  await page.waitForFunction(() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells[14].outputs.length > 0, null, { timeout: 60 * 1000 });
  const curve = await cellOutputs(page, 14);
  expect(curve.filter((o) => o.output_type === "error")).toEqual([]);
  expect(curve.some((o) => o.data && o.data["application/vnd.plotly.v1+json"])).toBe(true);
  await page.screenshot({ path: path.join(root, "artifacts", "site", "02_interrupted.png"), fullPage: false });

  // type errors, as the tslab edition reports them (site/kernel/typecheck.ts): the cell does not run (its first
  // line printed nothing), ename TypeScriptError, evalue "line:col - " and the Japanese line in front of TypeScript's
  // Japanese message, which the traceback holds too; then the kernel goes on (and the failed cell's y is no duplicate)
  const wrongType = await executeReply(page, 'console.log("ran");\nconst y: number = "a";');
  expect(wrongType).toEqual({ out: "", status: "error", error: {
    ename: "TypeScriptError",
    evalue: "2:7 - 型が合いません: 書いた値の型 (前) と、そこで求められている型 (後) を見比べてください",
    traceback: ["2:7 - 型が合いません: 書いた値の型 (前) と、そこで求められている型 (後) を見比べてください", "    (型 'string' を型 'number' に割り当てることはできません。)"],
  } });
  const misspelt = await executeReply(page, 'console.log("ran");\nconsole.log(model.acuracy);');
  expect(misspelt.out).toBe("");
  expect(misspelt.error.ename).toBe("TypeScriptError");
  expect(misspelt.error.evalue).toBe("2:19 - 「acuracy」というプロパティはありません。つづりを確かめてください");
  expect(misspelt.error.traceback[1]).toMatch(/^ {4}\(プロパティ 'acuracy' は型 'Net' に存在しません。\)$/);
  expect(await execute(page, "const y: number = 1;\nconsole.log(y + i);")).toEqual({ out: `${stoppedAt + 1}\n`, error: null });
  expect(foreign).toEqual([]);
});

// without the type bundle (here: the site answers 404 for it) the kernel runs cells unchecked, as before the check
test("without its type bundle the kernel runs cells unchecked", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  // the context's route (the last registered wins over guardOrigin's): it also sees the worker's and the service worker's requests
  await context.route("**/cell-types.json", (route) => route.fulfill({ status: 404, body: "" }));
  await openNotebook(page, "02_mnist_mlp.ipynb");
  expect(await execute(page, 'const y: number = "a" as any as number;\nconst z: number = "b";\nconsole.log("ran", z);')).toEqual({ out: "ran b\n", error: null });
  const tc = JSON.parse((await execute(page, "console.log(JSON.stringify((globalThis as any).__lecture3_typecheck))")).out);
  expect(tc).toMatchObject({ state: "failed", error: expect.stringMatching(/HTTP 404/), ms: [] });
  expect(foreign).toEqual([]);
});

test("02_mnist_mlp runs to the end in the site, its checks hold, its saved model loads after a reload, nothing leaves the origin", async ({ page, context }) => {
  test.setTimeout(35 * 60 * 1000); // hang guards: 02 took 490 s beside three other CI jobs on a slow 2-core machine
  const foreign = await guardOrigin(context);
  const t0 = Date.now();
  const doc = await runNotebook(page, "02_mnist_mlp.ipynb", 25 * 60 * 1000);
  console.log(`[site] 02: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  expect(errorsOf(doc)).toEqual([]);
  // every cell was type-checked (site/kernel/typecheck.ts) before it ran; what the checks cost in the worker
  const tc = JSON.parse((await execute(page, "console.log(JSON.stringify((globalThis as any).__lecture3_typecheck))")).out);
  const codeCells = doc.cells.filter((c) => c.cell_type === "code" && [].concat(c.source).join("").trim() !== "").length;
  console.log(`[site] type check: bundle ${(tc.bytes / 1e6).toFixed(2)} MB loaded in ${tc.loadMs} ms, first check ${tc.warmMs} ms; 02's ${codeCells} cells: ${tc.ms.join(", ")} ms`);
  expect(tc.state).toBe("ready");
  expect(tc.ms.length).toBeGreaterThanOrEqual(codeCells);
  // threaded WebAssembly: a thread a logical core (at most 8), the page being cross-origin isolated
  const cores = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
  const backendLine = doc.cells[1].outputs.map((o) => [].concat(o.text || "").join("")).join("");
  expect(backendLine).toMatch(new RegExp(`^backend: wasm \\(ブラウザ\\), tfjs 4\\.22\\.0, ${cores} スレッド`));
  console.log(`[site] ${backendLine.split(" — ")[0]}`);
  // the plotly figures are drawn by the plotly extension (16 images, the loss curve, 24 predictions)
  await expect(page.locator(".js-plotly-plot .main-svg").first()).toBeVisible();
  console.log(`[site] 02: Japanese glyphs ${JSON.stringify(await expectJapaneseGlyphs(page))}`);
  const drawn = await page.locator(".js-plotly-plot").count();
  const failed = runChecks({ doc, edition: "site", backend: "wasm", drawn }, "02_mnist_mlp.ipynb").filter((c) => !c.ok);
  expect(failed).toEqual([]);
  await page.screenshot({ path: path.join(root, "artifacts", "site", "02_mnist_mlp.png"), fullPage: false });

  // the last cell's drawDigit(model, { file: "models/mlp.json" }): the views extension draws it, the page reads the
  // weights the kernel saved in the browser (the service worker answers files/models/mlp.json from IndexedDB), a
  // 「7」 drawn with the mouse is predicted as 7, with the kernel's own probabilities for the same input
  expect(source(doc, doc.cells.length - 1)).toMatch(/drawDigit\(model, \{ file: "models\/mlp\.json" \}\)/);
  const drawn7 = await drawSeven(page);
  const best = drawn7.probs.indexOf(Math.max(...drawn7.probs));
  console.log(`[site] drawDigit: a 「7」 drawn in the page → ${best} (${(100 * drawn7.probs[best]).toFixed(1)} %)`);
  expect(best).toBe(7);
  const inKernel = await kernelProbs(page, drawn7.input, [1, 784]);
  expect(Math.max(...inKernel.map((p, d) => Math.abs(p - drawn7.probs[d])))).toBeLessThan(1e-5);
  await page.locator(".lecture3-draw-digit").screenshot({ path: path.join(root, "artifacts", "site", "02_draw_digit.png") });

  // model.save("models/mlp.json") (cell 18) went to IndexedDB: after a reload (a new worker, memory empty) the same
  // weights load into a new Net and evaluate to the same accuracy on the 10,000 test images
  const before = reports(doc).evaluate_acc;
  expect(typeof before).toBe("number");
  page.on("dialog", (d) => d.accept()); // "leave the page?" for the notebook's unsaved outputs
  await page.reload();
  await waitKernelIdle(page);
  for (const i of [1, 4, 10]) expect((await execute(page, source(doc, i))).error).toBeNull();
  const after = await execute(page, [
    'import { evaluate } from "lecture3";',
    'model.load("models/mlp.json");',
    "const reloaded = await evaluate(model, new DataLoader({ dataset: test_set, batch_size: 100, flatten: true }));",
    "console.log(`reloaded ${reloaded.accuracy}`);",
  ].join("\n"));
  expect(after.error).toBeNull();
  expect(after.out).toContain(`reloaded ${before}\n`);
  expect(foreign).toEqual([]);
});

// 01: MobileNet's weights and the 153 ants/bees validation photos from the site's data/ (scripts/site-data.ts), the
// photos decoded by the same jpeg-js code as the node edition on WebAssembly: the same top-5 and top-1 counts as
// that edition (measured: TFJS_BACKEND=wasm, mobilenet.top5Rows over lib/dist: 118 and 67; native TensorFlow 117 and
// 67, as the markdown says; checks.js allows ± 3 off the native backend)
test("01_imagenet runs to the end in the site, its checks hold, MobileNet's top 5 of the 153 photos as the node edition's on WebAssembly", async ({ page, context }) => {
  const foreign = await guardOrigin(context);
  const doc = await runWithChecks(page, "01_imagenet.ipynb", { timeoutMs: 10 * 60 * 1000 });
  const r = reports(doc);
  console.log(`[site] 01: top-5 ${r.live_top5_hits}, top-1 ${r.live_top1_hits} of ${r.live_count}`);
  expect([r.live_count, r.live_top5_hits, r.live_top1_hits]).toEqual([153, 118, 67]);
  expect(foreign).toEqual([]);
});
