// drawDigit in JupyterLab (the extension @lecture3/views, installed into .venv by scripts/setup.sh): a small CNN
// trained in the kernel for 200 mini-batches (a notebook this test writes), then, in chromium:
//   - the view shows a canvas; a 「1」 and a 「7」 drawn with mouse events give probabilities, and the kernel's model,
//     fed the 28×28 input the page exposes (data-input), gives the same ten probabilities (data-probs);
//   - after "clear", the view predicts nothing and says so;
//   - drawDigit(model, { file }): the same with the weights read from the saved model file through the server, and
//     for the lecture's CNN (04's architecture, untrained: the page and the kernel agree on its 1.2 M weights);
//   - a dot is "nearly empty": nothing predicted;
//   - a model of another shape gets a Japanese error in its cell, and the page stays usable;
//   - drawDigit(model, { examples: test_set }): a click on a test image feeds it to the model: the page's input, its
//     probabilities and its feature maps equal the kernel's for test_set.batch([i]), and another image changes them;
//   - saved, the notebook holds the view's MIME type with its HTML fallback, stays small, and nbconvert's HTML
//     export shows the fallback.
// Screenshots: artifacts/browser/views-draw-1.png, views-draw-7.png.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const lab = require("./lab");
const { SEVEN, drawStrokes } = require("./strokes");
const { test, check, until, sleep, codeCell, cellOutput, runCell, setCellText } = lab;

const NB = "views/draw-digit.ipynb";
const MIME = "application/vnd.lecture3.draw-digit+json";
const code = (source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });

const CELLS = [
  `import { useBackend } from "lecture3";
const backend = await useBackend();`,
  `import * as tf from "@tensorflow/tfjs";
import { datasets, transforms, DataLoader, manualSeed, nn, optim, fit, drawDigit, ConvNet } from "lecture3";
manualSeed(1);
const trans = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [1.0])]);
const train_set = await datasets.MNIST({ train: true, transform: trans, download: true });
const test_set = await datasets.MNIST({ train: false, transform: trans });
class Small extends nn.Module {
  conv1 = new nn.Conv2d(1, 8, 5); // 28x28x1 -> 24x24x8
  pool = new nn.MaxPool2d(2, 2); // -> 12x12x8
  fc = new nn.Linear(8 * 12 * 12, 10);
  forward(x: tf.Tensor): tf.Tensor {
    x = this.pool.forward(tf.relu(this.conv1.forward(x)));
    return tf.logSoftmax(this.fc.forward(x.reshape([-1, 8 * 12 * 12])), 1);
  }
}
const model = new Small();
const optimizer = optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const history = await fit(model, optimizer, new DataLoader({ dataset: train_set.subset(20000), batch_size: 100, shuffle: true }),
  new DataLoader({ dataset: test_set.subset(2000), batch_size: 500 }), { epochs: 1 });`,
  `drawDigit(model, { examples: test_set }); // the page also offers the first test image of each digit`,
  `drawDigit(model, { file: "models/small.json" }); // the page reads the weights from this file`,
  `const cnn = new ConvNet(); // the lecture's CNN (04's architecture), untrained: 1.2 M weights
drawDigit(cnn, { file: "models/cnn-untrained.json" });`,
  `drawDigit(new nn.Linear(10, 3)); // 28×28 の画像を受け付けないモデル`,
  `// the test types the kernel's side of each comparison here`,
];

function writeNotebook() {
  const doc = {
    cells: CELLS.map(code),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.mkdirSync(path.join(lab.work, path.dirname(NB)), { recursive: true });
  fs.writeFileSync(path.join(lab.work, NB), JSON.stringify(doc, null, 1) + "\n");
}

const INLINE = 2; // the code cell of the view whose output carries the weights
const FILE = 3; // the view that reads them from models/small.json
const CNN = 4; // the lecture CNN's view (weights from a file)
const WRONG = 5;
const SCRATCH = 6;
const view = (page, cell = INLINE) => codeCell(page, cell).locator(".lecture3-draw-digit");
const state = (page, cell = INLINE) => view(page, cell).evaluate((v) => ({ state: v.dataset.state, input: v.dataset.input, probs: v.dataset.probs, ms: v.dataset.ms, status: v.querySelector(".lecture3-draw-status").textContent }));

/** Draws strokes (lists of points in 0..1 of the canvas) with the mouse; resolves with the view's state once it predicted. */
async function draw(page, cell, strokes) {
  await drawStrokes(page, view(page, cell).locator("canvas.lecture3-draw-canvas"), strokes);
  await sleep(300); // the view predicts on the next animation frame
  return until("the view's prediction", async () => {
    const s = await state(page, cell);
    return s.state === "predicted" ? s : null;
  }, 10000, 200);
}

/** The kernel's ten probabilities for the 28×28 input the page used (typed by the test into the last cell). */
async function kernelProbs(page, input, model) {
  await setCellText(page, SCRATCH, `{
  const x = tf.tensor(${input}, [1, 28, 28, 1]);
  console.log("probs " + JSON.stringify(Array.from(tf.softmax(${model}.forward(x)).dataSync())));
}`);
  await runCell(page, SCRATCH, 60000);
  const text = (await cellOutput(page, SCRATCH)).text;
  const m = text.match(/probs (\[[^\]]*\])/);
  if (!m) throw new Error(`the kernel printed no probabilities: ${text.slice(0, 500)}`);
  return JSON.parse(m[1]);
}

const argmax = (a) => a.indexOf(Math.max(...a));

const VIEWS = { [INLINE]: { model: "model", what: "", file: "" }, [FILE]: { model: "model", what: "weights from models/small.json, ", file: "-file" }, [CNN]: { model: "cnn", what: "the lecture CNN (untrained) from a file, ", file: "-cnn" } };

async function compare(page, cell, digit, strokes) {
  const { model, what, file } = VIEWS[cell];
  const s = await draw(page, cell, strokes);
  await view(page, cell).screenshot({ path: path.join(lab.out, `views-draw-${digit}${file}.png`) });
  const input = JSON.parse(s.input);
  const probs = JSON.parse(s.probs);
  const ink = input.filter((v) => v > -0.5 + 1e-6).length;
  await check(`「${digit}」: the page shows a 28×28 input with ink and ten probabilities`, input.length === 784 && ink > 10 && probs.length === 10, `input ${input.length} values, ${ink} inked; probs ${probs.length}`);
  const kernel = await kernelProbs(page, s.input, model);
  const diff = Math.max(...probs.map((p, i) => Math.abs(p - kernel[i])));
  console.log(`${what}「${digit}」 page predicts ${argmax(probs)} (${probs.map((p) => p.toFixed(4)).join(" ")}); kernel ${argmax(kernel)}; max |page − kernel| = ${diff.toExponential(2)}; the page's model took ${s.ms} ms`);
  await check(`${what}「${digit}」: the page's probabilities equal the kernel's for the same 28×28 input (max difference ≤ 1e-5)`, diff <= 1e-5 && argmax(probs) === argmax(kernel), `page ${JSON.stringify(probs)}\nkernel ${JSON.stringify(kernel)}`);
  return argmax(probs);
}

test("draw a digit: the page predicts as the kernel does", async ({ page }) => {
  test.setTimeout(8 * 60 * 1000);
  writeNotebook();
  await lab.openNotebook(page, NB);
  const r = await lab.runAll(page, NB, 5 * 60 * 1000);
  console.log(`${NB} ran in ${r.seconds.toFixed(0)} s, prompts ${r.prompts.join(" ")}`);
  const train = await cellOutput(page, 1);
  await check("the small CNN trained without an error", /\[\d+\]/.test(r.prompts[1]) && !train.stderr.includes("Error"), train.text.slice(-500));

  const ready = (cell) => until(`the draw-digit view of code cell ${cell}`, async () => (await view(page, cell).count()) === 1 && (await state(page, cell)).state === "empty", 30000).catch(() => false);
  const shown = await ready(INLINE);
  await check("drawDigit(model) shows the view (canvas, input, bars), waiting for a stroke", shown, (await cellOutput(page, INLINE)).text.slice(0, 500));
  const fromFile = await ready(FILE);
  await check("drawDigit(model, { file }) shows the view, its weights read from the file", fromFile, (await cellOutput(page, FILE)).text.slice(0, 500));
  const cnnShown = await ready(CNN);
  await check("drawDigit(cnn, { file }) of the lecture CNN shows the view", cnnShown, (await cellOutput(page, CNN)).text.slice(0, 500));
  const wrong = await cellOutput(page, WRONG);
  await check("a model of another shape: a Japanese error in its cell, no view", /28×28 の数字の画像/.test(wrong.text) && (await codeCell(page, WRONG).locator(".lecture3-draw-digit").count()) === 0, wrong.text.slice(0, 500));
  if (!shown) return;

  const one = await compare(page, INLINE, 1, [[[0.52, 0.15], [0.5, 0.85]]]);
  await view(page).locator("button.lecture3-draw-clear").click();
  const cleared = await until("the cleared view", async () => {
    const s = await state(page);
    return s.state === "empty" ? s : null;
  }, 5000, 200).catch(() => null);
  await check("after clear, nothing is predicted and the view says so", cleared && /予測しません/.test(cleared.status) && !cleared.probs, JSON.stringify(cleared));
  // a dot is nearly empty: nothing to predict
  const c = await view(page).locator("canvas.lecture3-draw-canvas").boundingBox();
  await page.mouse.click(c.x + c.width / 2, c.y + c.height / 2);
  await sleep(500);
  const dot = await state(page);
  await check("a dot (nearly empty canvas): nothing is predicted and the view says so", dot.state === "empty" && /予測しません/.test(dot.status) && !dot.probs, JSON.stringify(dot));
  await view(page).locator("button.lecture3-draw-clear").click();
  const seven = await compare(page, INLINE, 7, SEVEN);
  // inside the CNN (item 4, the drawn digit): conv1's 8 filters, and the feature maps the page computed equal the
  // kernel's conv1 (with its bias) and pooled ReLU outputs for the same input
  const s7 = await state(page);
  const inside = await until("the feature maps (drawn when the stroke ends)", () => view(page).evaluate((n) => (n.dataset.maps ? { filters: Number(n.dataset.filters), maps: JSON.parse(n.dataset.maps), canvases: n.querySelectorAll(".lecture3-draw-inside canvas").length } : null)), 10000, 200);
  await setCellText(page, SCRATCH, `{
  const x = tf.tensor(${s7.input}, [1, 28, 28, 1]);
  const c = model.conv1.forward(x);
  console.log("maps " + JSON.stringify([tf.sum(c).dataSync()[0], tf.sum(model.pool.forward(tf.relu(c))).dataSync()[0]]));
}`);
  await runCell(page, SCRATCH, 60000);
  const mk = JSON.parse(((await cellOutput(page, SCRATCH)).text.match(/maps (\[[^\]]*\])/) || [null, "[]"])[1]);
  const sumOf = (name) => (inside.maps.find((m) => m.name === name) || {}).sum;
  const close = (a, b) => typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-4 * (1 + Math.abs(b));
  console.log(`inside: ${inside.filters} filters, maps ${inside.maps.map((m) => `${m.name} [${m.shape}] Σ ${m.sum.toFixed(3)}`).join(", ")}; kernel conv1 Σ ${mk[0]}, pool Σ ${mk[1]}; ${inside.canvases} pictures`);
  await view(page).screenshot({ path: path.join(lab.out, "views-inside-7.png") });
  await check("inside the CNN: conv1's 8 filters, and the page's conv1 and pooled maps equal the kernel's (sums within 1e-4)", inside.filters === 8 && close(sumOf("Add"), mk[0]) && close(sumOf("MaxPool"), mk[1]) && inside.canvases === 8 + 8 * inside.maps.length, JSON.stringify({ inside, mk }));

  // a test image chosen in the page instead of a drawing (drawDigit's examples): the first image of each digit
  const examples = await view(page).evaluate((n) => [...n.querySelectorAll("button.lecture3-draw-example")].map((b) => Number(b.dataset.index)));
  await check("drawDigit(model, { examples: test_set }) offers the first test image of each digit 0-9 (10 buttons)", examples.length === 10, JSON.stringify(examples));
  const chosen = [];
  for (const idx of examples.slice(0, 2)) {
    await view(page).locator(`button.lecture3-draw-example[data-index="${idx}"]`).click();
    const s = await until(`the prediction for test image #${idx}`, () => view(page).evaluate((n, want) => (n.dataset.source === want && n.dataset.maps ? { input: n.dataset.input, probs: JSON.parse(n.dataset.probs), maps: JSON.parse(n.dataset.maps), status: n.querySelector(".lecture3-draw-status").textContent } : null), `test:${idx}`), 10000, 200);
    await setCellText(page, SCRATCH, `tf.tidy(() => {
  const [x] = test_set.batch([${idx}]);
  const c = model.conv1.forward(x);
  const fed = tf.tensor(${s.input}, [1, 28, 28, 1]);
  console.log("test " + JSON.stringify({ probs: Array.from(tf.softmax(model.forward(x)).dataSync()), conv: tf.sum(c).dataSync()[0], pool: tf.sum(model.pool.forward(tf.relu(c))).dataSync()[0], input: tf.max(tf.abs(tf.sub(x, fed))).dataSync()[0], label: test_set.labels[${idx}] }));
});`);
    await runCell(page, SCRATCH, 60000);
    const k = JSON.parse(((await cellOutput(page, SCRATCH)).text.match(/test (\{.*\})/) || [null, "{}"])[1]);
    const mapSum = (name) => (s.maps.find((m) => m.name === name) || {}).sum;
    const diff = k.probs ? Math.max(...s.probs.map((p, i) => Math.abs(p - k.probs[i]))) : NaN;
    console.log(`test image #${idx} (label ${k.label}): page predicts ${argmax(s.probs)}, kernel ${k.probs && argmax(k.probs)}; max |page − kernel| ${diff.toExponential(2)}; input diff ${k.input}; conv1 Σ page ${mapSum("Add")} kernel ${k.conv}; pool Σ page ${mapSum("MaxPool")} kernel ${k.pool}; "${s.status}"`);
    await check(`test image #${idx} chosen in the page: its input is test_set.batch([${idx}]) (within 1e-6), its probabilities and conv1/pooled maps equal the kernel's`, k.input <= 1e-6 && diff <= 1e-5 && close(mapSum("Add"), k.conv) && close(mapSum("MaxPool"), k.pool) && s.status.includes(`#${idx}`), JSON.stringify({ k, probs: s.probs, maps: s.maps }));
    chosen.push(s);
    if (chosen.length === 1) await view(page).screenshot({ path: path.join(lab.out, "views-inside-test.png") });
  }
  await check("choosing another test image changes the feature maps", chosen.length === 2 && chosen[0].maps.every((m, i) => m.sum !== chosen[1].maps[i].sum), JSON.stringify(chosen.map((c) => c.maps)));
  await view(page).locator("button.lecture3-draw-clear").click();

  const sevenFile = fromFile ? await compare(page, FILE, 7, [[[0.3, 0.15], [0.7, 0.15], [0.5, 0.85]]]) : null;
  if (cnnShown) await compare(page, CNN, 7, [[[0.3, 0.15], [0.7, 0.15], [0.5, 0.85]]]);
  console.log(`predicted digits: 「1」 → ${one}, 「7」 → ${seven}, 「7」 (weights from the file) → ${sevenFile}`);

  // saved: the view's data and its fallback are in the file, which stays small; the HTML export shows the fallback
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+s");
  const saved = await until(`${NB} saved`, async () => {
    const nb = await lab.savedNotebook(NB);
    return nb.cells[INLINE].outputs.some((o) => o.data && o.data[MIME]) ? nb : null;
  }, 30000);
  const out = saved.cells[INLINE].outputs.find((o) => o.data && o.data[MIME]);
  const outFile = saved.cells[FILE].outputs.find((o) => o.data && o.data[MIME]);
  const file = path.join(lab.work, NB);
  const bytes = fs.statSync(file).size;
  console.log(`saved ${NB}: ${bytes} bytes; the view's output ${JSON.stringify(out.data[MIME]).length} bytes for ${out.data[MIME].parameters} parameters; with { file }: ${JSON.stringify(outFile.data[MIME]).length} bytes`);
  await check("the saved output carries the view and its HTML fallback; the notebook stays under 2 MB", typeof out.data["text/html"] === "string" && bytes < 2e6, `${bytes} bytes; types ${Object.keys(out.data)}`);
  await check("with { file }, the output carries no weights (under 10 kB)", outFile && JSON.stringify(outFile.data[MIME]).length < 10000, outFile ? `${JSON.stringify(outFile.data[MIME]).length} bytes` : "no output");
  const html = path.join(lab.out, "views-draw-digit.html");
  const conv = spawnSync("bash", ["-c", `source scripts/env.sh && jupyter nbconvert --to html --output views-draw-digit --output-dir "$0" "$1"`, path.dirname(html), file], { cwd: lab.root, encoding: "utf8", timeout: 120000 });
  const text = fs.existsSync(html) ? fs.readFileSync(html, "utf8") : "";
  await check("nbconvert's HTML export shows the fallback in place of the view", conv.status === 0 && text.includes("lecture3-draw-digit-fallback") && text.includes("手書き数字の入力欄"), `${conv.status} ${String(conv.stderr).slice(-800)}`);
});

// 02_mnist_mlp as step 4 of npm test executed it (scripts/run-notebooks.js): its last cell's view reads the lecture
// MLP's 1.24 M weights from models/mlp.json (which that run saved) and predicts a 「7」 drawn with the mouse, then a
// 「1」 with touch and a 「7」 with pen pointer events.
test("02_mnist_mlp's view: the lecture MLP from models/mlp.json predicts in the page", async ({ page }) => {
  const executed = path.join(lab.root, "artifacts", "notebooks", "02_mnist_mlp.ipynb");
  const weights = path.join(lab.root, "notebooks", "models", "mlp.json");
  for (const f of [executed, weights]) if (!fs.existsSync(f)) throw new Error(`${path.relative(lab.root, f)} is missing: run it first: npm run notebooks -- 02`);
  const NB02 = "views02/02_mnist_mlp.ipynb";
  lab.copyNotebook(path.relative(lab.root, executed), NB02, { keepOutputs: true });
  fs.mkdirSync(path.join(lab.work, "views02", "models"), { recursive: true });
  fs.copyFileSync(weights, path.join(lab.work, "views02", "models", "mlp.json"));
  await lab.openNotebook(page, NB02);
  const cell = await lab.findCodeCell(NB02, /drawDigit\(model, \{ file: "models\/mlp\.json" \}\)/);
  const v = codeCell(page, cell).locator(".lecture3-draw-digit");
  await codeCell(page, cell).scrollIntoViewIfNeeded();
  const ready = await until("02's view with its weights loaded", async () => (await v.count()) === 1 && (await v.getAttribute("data-state")) === "empty", 60000).catch(() => false);
  await check("02's view loaded the 1.24 M weights from models/mlp.json", ready, await v.textContent().catch(() => "no view"));
  if (!ready) return;
  const canvas = v.locator("canvas.lecture3-draw-canvas");
  const t0 = Date.now();
  await drawStrokes(page, canvas, SEVEN);
  const probs = await until("02's prediction", async () => ((await v.getAttribute("data-state")) === "predicted" ? JSON.parse(await v.getAttribute("data-probs")) : null), 20000, 200);
  console.log(`02's MLP in the page: 「7」 → ${argmax(probs)} (${(100 * Math.max(...probs)).toFixed(1)} %), stroke + prediction ${Date.now() - t0} ms`);
  await v.screenshot({ path: path.join(lab.out, "views-02-draw-7.png") });
  await check("02's MLP predicts a drawn 「7」 as 7", argmax(probs) === 7, JSON.stringify(probs));

  // a finger and a pen: the same pointer events with another pointerType (dispatched: playwright's mouse is a mouse)
  for (const [pointerType, digit, stroke] of [["touch", 1, [[0.5, 0.15], [0.48, 0.85]]], ["pen", 7, [[0.3, 0.2], [0.72, 0.2], [0.5, 0.85]]]]) {
    await v.locator("button.lecture3-draw-clear").click();
    await until("the cleared view", async () => (await v.getAttribute("data-state")) === "empty", 5000, 200);
    await canvas.evaluate((c, [type, points]) => {
      const r = c.getBoundingClientRect();
      const at = ([x, y]) => ({ clientX: r.left + x * r.width, clientY: r.top + y * r.height });
      const fire = (name, p) => c.dispatchEvent(new PointerEvent(name, { ...at(p), pointerId: 7, pointerType: type, isPrimary: true, bubbles: true, buttons: name === "pointerup" ? 0 : 1 }));
      fire("pointerdown", points[0]);
      for (let i = 1; i < points.length; i++)
        for (let k = 1; k <= 12; k++) fire("pointermove", [points[i - 1][0] + ((points[i][0] - points[i - 1][0]) * k) / 12, points[i - 1][1] + ((points[i][1] - points[i - 1][1]) * k) / 12]);
      fire("pointerup", points[points.length - 1]);
    }, [pointerType, stroke]);
    const p = await until(`02's prediction for the ${pointerType} stroke`, async () => ((await v.getAttribute("data-state")) === "predicted" ? JSON.parse(await v.getAttribute("data-probs")) : null), 20000, 200).catch(() => null);
    console.log(`02's MLP, ${pointerType}: 「${digit}」 → ${p ? argmax(p) : "nothing"}`);
    await check(`02's MLP predicts a 「${digit}」 drawn with ${pointerType} pointer events as ${digit}`, p && argmax(p) === digit, JSON.stringify(p));
  }
});

// confusionView(model, test_loader): a linear model trained briefly (many mistakes), then in chromium a click on a
// wrong cell shows exactly that cell's count of images, and they are the test images the kernel's predict() puts
// there (indices, and the first image's pixels); a diagonal cell shows its first few and says how many it has.
// Screenshot: artifacts/browser/views-confusion.png.
const CONFUSION_NB = "views/confusion.ipynb";
const CONFUSION_CELLS = [
  CELLS[0],
  `import * as tf from "@tensorflow/tfjs";
import { datasets, transforms, DataLoader, manualSeed, nn, optim, fit, predict, confusionView } from "lecture3";
manualSeed(2);
const trans = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [1.0])]);
const train_set = await datasets.MNIST({ train: true, transform: trans, download: true });
const test_set = (await datasets.MNIST({ train: false, transform: trans })).subset(1000);
const model = new nn.Sequential(new nn.Linear(784, 10), new nn.LogSoftmax(1)); // fit's loss is nll_loss
const optimizer = optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const test_loader = new DataLoader({ dataset: test_set, batch_size: 500, flatten: true });
await fit(model, optimizer, new DataLoader({ dataset: train_set.subset(10000), batch_size: 100, shuffle: true, flatten: true }), test_loader, { epochs: 1 });`,
  `const matrix = await confusionView(model, test_loader);`,
  `const r = await predict(model, test_loader); // the kernel's own predictions, for the test`,
  `// the test types the kernel's side of each comparison here`,
];

test("confusionView: a click on a cell shows that cell's test images, those the kernel predicts there", async ({ page }) => {
  test.setTimeout(6 * 60 * 1000);
  const doc = { cells: CONFUSION_CELLS.map(code), metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } }, nbformat: 4, nbformat_minor: 5 };
  fs.mkdirSync(path.join(lab.work, path.dirname(CONFUSION_NB)), { recursive: true });
  fs.writeFileSync(path.join(lab.work, CONFUSION_NB), JSON.stringify(doc, null, 1) + "\n");
  await lab.openNotebook(page, CONFUSION_NB);
  const r = await lab.runAll(page, CONFUSION_NB, 4 * 60 * 1000);
  console.log(`${CONFUSION_NB} ran in ${r.seconds.toFixed(0)} s, prompts ${r.prompts.join(" ")}`);
  const VIEW = 2;
  const SCRATCH2 = 4;
  const v = codeCell(page, VIEW).locator(".lecture3-confusion");
  const ready = await until("the confusion view", async () => (await v.count()) === 1 && (await v.getAttribute("data-state")) === "ready", 30000).catch(() => false);
  await check("confusionView shows the clickable matrix", ready, (await cellOutput(page, VIEW)).text.slice(0, 500));
  if (!ready) return;

  /** The kernel's list of test-set indices in cell (t, p), and the byte sum of the first one's image. */
  const kernelCell = async (t, p) => {
    await setCellText(page, SCRATCH2, `{
  const idx: number[] = [];
  r.pred.forEach((q, i) => { if (r.target[i] === ${t} && q === ${p}) idx.push(i); });
  console.log("cell " + JSON.stringify(idx) + " sum " + (idx.length ? test_set.image(idx[0]).reduce((a, b) => a + b, 0) : -1));
}`);
    await runCell(page, SCRATCH2, 60000);
    const text = (await cellOutput(page, SCRATCH2)).text;
    const m = text.match(/cell (\[[^\]]*\]) sum (-?\d+)/);
    if (!m) throw new Error(`the kernel printed no cell: ${text.slice(0, 500)}`);
    return { idx: JSON.parse(m[1]), sum: Number(m[2]) };
  };
  /** Clicks cell (t, p); the view's count, the indices it shows, and the byte sum of its first image (red channel). */
  const click = async (t, p) => {
    await v.locator(`button.lecture3-confusion-cell[data-cell="${t},${p}"]`).click();
    await until(`cell ${t},${p} shown`, async () => (await v.getAttribute("data-cell")) === `${t},${p}`, 5000, 100);
    return v.evaluate((n) => {
      const first = n.querySelector("canvas.lecture3-confusion-image");
      let sum = -1;
      if (first) {
        const d = first.getContext("2d").getImageData(0, 0, first.width, first.height).data;
        sum = 0;
        for (let i = 0; i < d.length; i += 4) sum += d[i];
      }
      return { count: Number(n.dataset.count), indices: JSON.parse(n.dataset.indices), images: n.querySelectorAll("canvas.lecture3-confusion-image").length, title: n.querySelector(".lecture3-confusion-detail div").textContent, sum };
    });
  };

  // the page's matrix: the largest wrong cell, and a second one
  const matrix = await v.evaluate((n) => [...n.querySelectorAll("button.lecture3-confusion-cell")].map((b) => [b.dataset.cell, Number(b.textContent)]));
  const wrong = matrix.filter(([c]) => c.split(",")[0] !== c.split(",")[1]).sort((a, b) => b[1] - a[1]);
  const total = matrix.reduce((s, [, n]) => s + n, 0);
  await check("the matrix has 10 × 10 cells counting the 1,000 test images", matrix.length === 100 && total === 1000, `${matrix.length} cells, ${total} images`);
  for (const [cell] of [wrong[0], wrong[3]]) {
    const [t, p] = cell.split(",").map(Number);
    const page1 = await click(t, p);
    const kernel = await kernelCell(t, p);
    console.log(`cell 正解 ${t} → 予測 ${p}: page ${page1.images} images ${JSON.stringify(page1.indices)} (first image's byte sum ${page1.sum}); kernel ${JSON.stringify(kernel.idx)} (${kernel.sum}); "${page1.title}"`);
    await check(`a click on 正解 ${t} → 予測 ${p} shows exactly that cell's count of images (${kernel.idx.length})`, page1.count === kernel.idx.length && page1.images === kernel.idx.length && kernel.idx.length > 0, JSON.stringify(page1));
    await check(`those images are the test images the kernel predicts as ${p} with label ${t} (indices and pixels)`, JSON.stringify(page1.indices) === JSON.stringify(kernel.idx) && page1.sum === kernel.sum, `page ${JSON.stringify(page1.indices)} ${page1.sum}\nkernel ${JSON.stringify(kernel.idx)} ${kernel.sum}`);
    if (cell === wrong[0][0]) await v.screenshot({ path: path.join(lab.out, "views-confusion.png") });
  }
  const d = matrix.filter(([c]) => c.split(",")[0] === c.split(",")[1]).sort((a, b) => b[1] - a[1])[0][0].split(",").map(Number);
  const diag = await click(...d);
  const kernel3 = await kernelCell(...d);
  await check("a diagonal cell shows its first 8 images and says how many it has", diag.count === kernel3.idx.length && diag.images === 8 && JSON.stringify(diag.indices) === JSON.stringify(kernel3.idx.slice(0, 8)) && diag.title.includes(`${kernel3.idx.length} 枚 (最初の 8 枚を表示)`), JSON.stringify(diag));

  // saved: the output carries the view and the table of counts; nbconvert's HTML export shows the table
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+s");
  const saved = await until(`${CONFUSION_NB} saved`, async () => {
    const nb = await lab.savedNotebook(CONFUSION_NB);
    return nb.cells[VIEW].outputs.some((o) => o.data && o.data["application/vnd.lecture3.confusion+json"]) ? nb : null;
  }, 30000);
  const out = saved.cells[VIEW].outputs.find((o) => o.data && o.data["application/vnd.lecture3.confusion+json"]);
  const file = path.join(lab.work, CONFUSION_NB);
  const bytes = fs.statSync(file).size;
  const data = out.data["application/vnd.lecture3.confusion+json"];
  console.log(`saved ${CONFUSION_NB}: ${bytes} bytes; the view's output ${JSON.stringify(out.data).length} bytes, ${data.examples.index.length} images (limit ${JSON.stringify(data.limit)})`);
  await check("the saved output carries the view and a table fallback; the notebook stays under 2 MB", typeof out.data["text/html"] === "string" && out.data["text/html"].includes("<table") && bytes < 2e6, `${bytes} bytes`);
  const html = path.join(lab.out, "views-confusion.html");
  const conv = spawnSync("bash", ["-c", `source scripts/env.sh && jupyter nbconvert --to html --output views-confusion --output-dir "$0" "$1"`, path.dirname(html), file], { cwd: lab.root, encoding: "utf8", timeout: 120000 });
  const text = fs.existsSync(html) ? fs.readFileSync(html, "utf8") : "";
  await check("nbconvert's HTML export shows the table of counts", conv.status === 0 && text.includes("lecture3-confusion-fallback") && text.includes("正解＼予測"), `${conv.status} ${String(conv.stderr).slice(-800)}`);
});

// 04_mnist_conv and 07_cifar10 as step 4 of npm test executed them (scripts/run-notebooks.js), opened without running:
//   - 04's confusionView (the lecture CNN on the 10,000 test images): a click on the largest wrong cell shows exactly
//     that cell's count of images (a ~98 % CNN's wrong images all travel);
//   - 04's drawDigit reads the CNN's 1.2 M weights from models/cnn.json; a click on a test image ("テスト画像で試す")
//     shows conv1's 32 filters and the maps of every layer, the page's probabilities equal the kernel's that the
//     confusion view carries for the same test image (rounded to 1e-4), and another image changes the maps;
//   - 07's confusionView (CIFAR-10, colour): a click on the largest wrong cell shows the first images the output
//     carries and says how many the cell has.
// Screenshots: artifacts/browser/views-04-confusion.png, views-04-test-image.png, views-07-confusion.png.
const CONFUSION = "application/vnd.lecture3.confusion+json";

/** Opens an executed copy of notebooks/<name> (and model files beside it) in views-<name>/; the index of the code cell matching re. */
async function openExecuted(page, name, models, re) {
  const executed = path.join(lab.root, "artifacts", "notebooks", name);
  const files = [executed, ...models.map((m) => path.join(lab.root, "notebooks", "models", m))];
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`${path.relative(lab.root, f)} is missing: run it first: npm run notebooks -- ${name.slice(0, 2)}`);
  const to = `views-${name.slice(0, 2)}/${name}`;
  lab.copyNotebook(path.relative(lab.root, executed), to, { keepOutputs: true });
  fs.mkdirSync(path.join(lab.work, path.dirname(to), "models"), { recursive: true });
  for (const m of models) fs.copyFileSync(path.join(lab.root, "notebooks", "models", m), path.join(lab.work, path.dirname(to), "models", m));
  await lab.openNotebook(page, to);
  return { to, doc: await lab.savedNotebook(to) };
}

/** The confusion view of code cell `cell`: clicks its largest wrong cell; what the page shows and what the output carries. */
async function clickLargestWrong(page, doc, cell) {
  const data = doc.cells.filter((c) => c.cell_type === "code")[cell].outputs.find((o) => o.data && o.data[CONFUSION]).data[CONFUSION];
  const v = codeCell(page, cell).locator(".lecture3-confusion");
  await codeCell(page, cell).scrollIntoViewIfNeeded();
  const ready = await until("the confusion view", async () => (await v.count()) === 1 && (await v.getAttribute("data-state")) === "ready", 30000).catch(() => false);
  if (!ready) return { ready, data };
  let [t, p, n] = [0, 0, -1];
  data.matrix.forEach((row, i) => row.forEach((c, j) => i !== j && c > n && ([t, p, n] = [i, j, c])));
  await v.locator(`button.lecture3-confusion-cell[data-cell="${t},${p}"]`).click();
  await until(`cell ${t},${p} shown`, async () => (await v.getAttribute("data-cell")) === `${t},${p}`, 5000, 100);
  const shown = await v.evaluate((el) => ({ count: Number(el.dataset.count), indices: JSON.parse(el.dataset.indices), images: el.querySelectorAll("canvas.lecture3-confusion-image").length, title: el.querySelector(".lecture3-confusion-detail div").textContent }));
  const carried = data.examples.index.filter((_, j) => data.examples.target[j] === t && data.examples.pred[j] === p);
  return { ready, data, t, p, n, shown, carried, view: v };
}

test("04's and 07's views as run-notebooks executed them: confusion cells, and 04's CNN on test images chosen in the page", async ({ page }) => {
  test.setTimeout(5 * 60 * 1000);
  const nb04 = await openExecuted(page, "04_mnist_conv.ipynb", ["cnn.json"], /confusionView/);
  const cell = await lab.findCodeCell(nb04.to, /await confusionView\(model, test_loader\)/);
  const c = await clickLargestWrong(page, nb04.doc, cell);
  await check("04's confusion view shows the CNN's matrix of the 10,000 test images", c.ready && c.data.matrix.flat().reduce((a, b) => a + b, 0) === 10000, JSON.stringify(c.data && c.data.matrix));
  if (c.ready) {
    console.log(`04: 正解 ${c.t} → 予測 ${c.p}: ${c.n} in the matrix; the page shows ${c.shown.images} images ${JSON.stringify(c.shown.indices)}; "${c.shown.title}"; the output carries ${c.data.examples.index.length} images (limit ${JSON.stringify(c.data.limit)})`);
    await c.view.screenshot({ path: path.join(lab.out, "views-04-confusion.png") });
    await check(`a click on 04's largest wrong cell (正解 ${c.t} → 予測 ${c.p}) shows exactly its ${c.n} images, those the output carries for it`, c.n > 0 && c.shown.count === c.n && c.shown.images === c.n && JSON.stringify(c.shown.indices) === JSON.stringify(c.carried), JSON.stringify(c.shown));
  }

  // 04's draw-digit view: the lecture CNN from models/cnn.json, fed test images chosen in the page
  const dcell = await lab.findCodeCell(nb04.to, /drawDigit\(model, \{ file: saved\.model, examples: test_set \}\)/);
  const v = codeCell(page, dcell).locator(".lecture3-draw-digit");
  await codeCell(page, dcell).scrollIntoViewIfNeeded();
  const ready = await until("04's draw-digit view with its weights loaded", async () => (await v.count()) === 1 && (await v.getAttribute("data-state")) === "empty", 60000).catch(() => false);
  await check("04's draw-digit view loaded the CNN's weights from models/cnn.json and offers 10 test images", ready && (await v.locator("button.lecture3-draw-example").count()) === 10, await v.textContent().catch(() => "no view"));
  if (ready && c.ready) {
    const ex = c.data.examples;
    const runs = [];
    for (const idx of (await v.evaluate((n) => [...n.querySelectorAll("button.lecture3-draw-example")].map((b) => Number(b.dataset.index)))).slice(0, 3)) {
      await v.locator(`button.lecture3-draw-example[data-index="${idx}"]`).click();
      const s = await until(`04's prediction for test image #${idx}`, () => v.evaluate((n, want) => (n.dataset.source === want && n.dataset.maps ? { probs: JSON.parse(n.dataset.probs), maps: JSON.parse(n.dataset.maps), filters: Number(n.dataset.filters), ms: Number(n.dataset.ms) } : null), `test:${idx}`), 20000, 200);
      const j = ex.index.indexOf(idx);
      const kernel = j >= 0 ? ex.probs[j] : null;
      const diff = kernel ? Math.max(...s.probs.map((q, i) => Math.abs(q - kernel[i]))) : NaN;
      console.log(`04's CNN, test image #${idx}: page predicts ${argmax(s.probs)} (${(100 * Math.max(...s.probs)).toFixed(2)} %), kernel (the confusion view's probabilities) ${kernel && argmax(kernel)}; max |page − kernel| ${diff.toExponential(2)}; ${s.filters} filters, maps ${s.maps.map((m) => `${m.name}[${m.shape}]`).join(" ")}; ${s.ms} ms`);
      await check(`04's CNN on test image #${idx} chosen in the page: the kernel's probabilities (within 2e-4: rounded to 1e-4), conv1's 32 filters, the maps of its 7 map kernels`, kernel && diff <= 2e-4 && argmax(s.probs) === argmax(kernel) && s.filters === 32 && s.maps.length === 7, JSON.stringify({ probs: s.probs, kernel, filters: s.filters, maps: s.maps }));
      runs.push(s);
      if (runs.length === 1) await v.screenshot({ path: path.join(lab.out, "views-04-test-image.png") });
    }
    await check("another test image changes 04's maps", runs.length === 3 && runs[1].maps.every((m, i) => m.sum !== runs[0].maps[i].sum), JSON.stringify(runs.map((r) => r.maps)));
  }

  const nb07 = await openExecuted(page, "07_cifar10.ipynb", [], /confusionView/);
  const cell07 = await lab.findCodeCell(nb07.to, /await confusionView\(net, testloader/);
  const d = await clickLargestWrong(page, nb07.doc, cell07);
  await check("07's confusion view shows the CIFAR-10 matrix of the 10,000 test images", d.ready && d.data.matrix.flat().reduce((a, b) => a + b, 0) === 10000 && d.data.shape.join() === "32,32,3", JSON.stringify(d.data && d.data.matrix));
  if (d.ready) {
    console.log(`07: 正解 ${d.data.classes[d.t]} → 予測 ${d.data.classes[d.p]}: ${d.n}; the page shows ${d.shown.images} images ${JSON.stringify(d.shown.indices)}; "${d.shown.title}"; the output carries ${d.data.examples.index.length} images (limit ${JSON.stringify(d.data.limit)})`);
    await d.view.screenshot({ path: path.join(lab.out, "views-07-confusion.png") });
    await check(`a click on 07's largest wrong cell shows the first ${d.data.limit.wrong} of its ${d.n} images and says so`, d.data.limit.wrong >= 1 && d.shown.count === d.n && d.shown.images === Math.min(d.n, d.data.limit.wrong) && JSON.stringify(d.shown.indices) === JSON.stringify(d.carried) && d.shown.title.includes(`${d.n} 枚`) && (d.n <= d.data.limit.wrong || d.shown.title.includes(`最初の ${d.data.limit.wrong} 枚を表示`)), JSON.stringify(d.shown));
  }
});
