// One training epoch of the lecture's MLP or CNN on real MNIST (batch 100, SGD) in the browser: the JupyterLite site
// (site/_output, `npm run site`) served by a plain static server and opened in Debian's chromium; the code below runs
// in the site's TypeScript kernel (its Web Worker), as a student's cell would. The same steps as epoch.js's node row:
// seed 1, the slides' model and optimizer, 3 warm-up steps, then one timed trainEpoch. Run by scripts/bench.js:
//   node scripts/bench/browser_epoch.js <wasm|webgl> <mlp|cnn> [--batches N]
// prints one JSON line {backend, model, where: "browser", seconds, cpu_seconds, images, ...}: cpu_seconds is what
// chromium's processes spent during the timed part (read from /proc: Linux), less sensitive than the wall time to
// other work on a shared machine. --batches N times N mini-batches of trainStep instead of the epoch (each step
// reads its loss back, so the GPU queue is drained) and scales the time to the epoch's 600 (`scaled_from`): for
// WebGL in software (SwiftShader), where a whole epoch takes too long.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("@playwright/test");
const { serveOutput } = require("../../test/site/server");
const launch = require("../../test/browser/chromium");

const root = path.resolve(__dirname, "../..");
const out = path.join(root, "site", "_output");

/** The kernel's code, as notebook cells: the set-up of epoch.js (data, model, 3 warm-up steps), the timed part, the test. */
function cells(backend, model, batches) {
  const prepare = `
import { useBackend, manualSeed, transforms, datasets, ConvNet, Net, optim, DataLoader, trainStep, trainEpoch, evaluate } from "lecture3";
import * as tf from "@tensorflow/tfjs";
const info = await useBackend("${backend}", { print: false });
manualSeed(1);
const trans = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [1.0])]);
const train_set = await datasets.MNIST({ train: true, transform: trans });
const test_set = await datasets.MNIST({ train: false, transform: trans });
const net = ${model === "cnn" ? "new ConvNet()" : "new Net()"};
const optimizer = optim.SGD(net.parameters(), { lr: ${model === "cnn" ? 0.1 : 0.5} });
const train_loader = new DataLoader({ dataset: train_set, batch_size: 100, shuffle: true });
const test_loader = new DataLoader({ dataset: test_set, batch_size: 100 });
let n = 0;
for await (const [x, y] of train_loader) { trainStep(net, optimizer, x, y); if (++n === 3) break; } // warm-up
`;
  const timed = batches === null
    ? `const t0 = performance.now();
const images = (await trainEpoch(net, optimizer, train_loader, { progress: false })).count;
const seconds = (performance.now() - t0) / 1000;`
    : `const t0 = performance.now();
let images = 0;
for await (const [x, y] of train_loader) { trainStep(net, optimizer, x, y); images += x.shape[0]; if (++n === 3 + ${batches}) break; }
const seconds = (performance.now() - t0) / 1000;`;
  const result = `const test = ${batches === null ? "await evaluate(net, test_loader)" : "null"};
console.log("BENCH " + JSON.stringify({ backend: tf.getBackend(), threads: info.threads ?? null, seconds, images, test_acc: test ? test.accuracy : null, ua: (globalThis as any).navigator.userAgent }));`; // the kernel checks cells against node's types, as tslab does: no navigator
  return [prepare, timed, result];
}

/**
 * CPU seconds (user + system, all threads: the kernel's worker and TF.js's WebAssembly threads live in a renderer) of
 * the descendants of `pid`: chromium's processes (and the idle static server) under this script.
 */
function treeCpuSeconds(pid) {
  const stats = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => {
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      return { pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
    } catch {
      return null; // gone meanwhile
    }
  }).filter(Boolean);
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of stats) if (tree.has(p.ppid) && !tree.has(p.pid)) (tree.add(p.pid), (grew = true));
  }
  return stats.filter((p) => tree.has(p.pid) && p.pid !== pid).reduce((sum, p) => sum + p.ticks, 0) / 100; // USER_HZ: 100 on Linux
}

async function main() {
  const [backend, model] = process.argv.slice(2);
  const i = process.argv.indexOf("--batches");
  const batches = i >= 0 ? Number(process.argv[i + 1]) : null;
  if (!["wasm", "webgl"].includes(backend) || !["mlp", "cnn"].includes(model)) throw new Error("usage: browser_epoch.js <wasm|webgl> <mlp|cnn> [--batches N]");
  if (!fs.existsSync(path.join(out, "lab", "index.html"))) throw new Error("site/_output がありません: 先に npm run site");
  const server = await serveOutput(); // site/_output on a free port of 127.0.0.1, once it answers
  // WebGL: chromium's software renderer (SwiftShader through ANGLE; this machine has no GPU) instead of --disable-gpu
  const args = backend === "webgl"
    ? [...launch.launchOptions.args.filter((a) => a !== "--disable-gpu"), "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
    : launch.launchOptions.args;
  const browser = await chromium.launch({ executablePath: launch.launchOptions.executablePath, args });
  try {
    process.env.LECTURE3_SITE = server.base;
    const { openNotebook, execute } = require("../../test/site/page");
    const page = await browser.newPage();
    await openNotebook(page, "02_mnist_mlp.ipynb"); // any notebook: its kernel, the page cross-origin isolated (threads)
    const [prepare, timed, result] = cells(backend, model, batches);
    let printed = "";
    const run = async (code) => {
      const r = await execute(page, code);
      if (r.error) throw new Error(r.error);
      printed += r.out;
    };
    await run(prepare);
    const cpu0 = treeCpuSeconds(process.pid);
    await run(timed); // only the timed part between the two CPU readings
    const cpu = treeCpuSeconds(process.pid) - cpu0;
    await run(result);
    const line = printed.split("\n").find((l) => l.startsWith("BENCH "));
    if (!line) throw new Error(`no result: ${printed.slice(-300)}`);
    const r = JSON.parse(line.slice(6));
    if (r.backend !== backend) throw new Error(`the kernel runs ${r.backend}, not ${backend}`);
    const scale = batches ? 600 / batches : 1;
    console.log(JSON.stringify({ ...r, backend, model, where: "browser", mode: "epoch", seconds: r.seconds * scale, cpu_seconds: cpu * scale, images: r.images * scale, ...(batches ? { scaled_from: { batches, seconds: r.seconds, cpu_seconds: cpu } } : {}), rss_mb: null }));
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e).split("\n")[0] }));
  process.exit(1);
});
