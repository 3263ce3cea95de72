// A measurement, not a test (playwright's testMatch skips it): the time of one of 02's training mini-batches in the
// site's kernel with the project's WebAssembly training kernels (lib/node/wasm-kernels.ts) and with TF.js's stock
// ones, interleaved in one page (3 rounds × 100 mini-batches each, after a warm-up), so both see the same machine load.
//   npm run site && node test/site/ab-kernels.js
// It serves site/_output itself (python3 -m http.server) and launches Debian's chromium as the site's test does.
"use strict";
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");
const { serveOutput } = require("./server");
const launch = require("../browser/chromium");

const root = path.resolve(__dirname, "..", "..");
const nb = JSON.parse(fs.readFileSync(path.join(root, "notebooks", "02_mnist_mlp.ipynb"), "utf8"));
const cell = (i) => [].concat(nb.cells[i].source).join("");

const KERNELS = ["BatchMatMul", "Sum", "Tile", "Identity", "Conv2DBackpropInput", "MaxPoolGrad"]; // those wasm has; 02 uses the first four
const measure = `
const __project = __stock.map((k) => tf.getKernel(k.kernelName, "wasm"));
const __use = (ks) => { for (const k of ks) { tf.unregisterKernel(k.kernelName, "wasm"); tf.registerKernel(k); } };
const __opt = optim.SGD(model.parameters(), { lr: 0.5 });
const __steps = (n) => {
  let b = 0;
  const t0 = performance.now();
  for (const [input, target] of train_loader) {
    tf.tidy(() => {
      const x = input.reshape([-1, 784]);
      const { value, grads } = tf.variableGrads(() => F.nll_loss(model.forward(x), target), __opt.params);
      __opt.step(grads);
      return value.dataSync()[0];
    });
    if (++b === n) break;
  }
  return (performance.now() - t0) / n;
};
__steps(20); // warm-up
const __ms = { project: [], stock: [] };
for (let r = 0; r < 3; r++) {
  __use(__project); __ms.project.push(__steps(100));
  __use(__stock); __ms.stock.push(__steps(100));
}
__use(__project);
const __med = (a) => [...a].sort((x, y) => x - y)[1];
console.log(JSON.stringify({ ...__ms, ratio: __med(__ms.stock) / __med(__ms.project) }));
`;

(async () => {
  const server = await serveOutput(); // site/_output on a free port of 127.0.0.1, once it answers
  const browser = await chromium.launch(launch.launchOptions);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.base}/lab/index.html?path=02_mnist_mlp.ipynb`);
    await page.waitForFunction(() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === "idle" && self.crossOriginIsolated, null, { timeout: 120000 });
    const run = (code) => page.evaluate(async (code) => {
      const future = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.requestExecute({ code });
      let out = "";
      future.onIOPub = (m) => { if (m.header.msg_type === "stream") out += m.content.text; if (m.header.msg_type === "error") out += `ERROR ${m.content.ename}: ${m.content.evalue}`; };
      await future.done;
      return out;
    }, code);
    // the stock kernels, taken before cell 1's useBackend() replaces them
    process.stdout.write(await run(`import * as tf from "@tensorflow/tfjs";\nconst __stock = ${JSON.stringify(KERNELS)}.map((n) => tf.getKernel(n, "wasm")).filter(Boolean);`));
    for (const i of [1, 4, 10]) process.stdout.write(await run(cell(i)));
    const out = await run(`import { F, optim } from "lecture3";\n${measure}`);
    console.log(`ms a mini-batch (02's MLP, batch 100): ${out}`);
  } finally {
    await browser.close();
    await server.stop();
  }
})();
