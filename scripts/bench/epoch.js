// One training epoch of the lecture's MLP or CNN on real MNIST (batch 100, SGD), through the library as a notebook
// uses it. Run by scripts/bench.js in a fresh node process per row:
//   node scripts/bench/epoch.js <tensorflow|wasm|cpu> <cnn|mlp> [--fit | --batches N]
// prints one JSON line {backend, model, seconds, images, rss_mb, ...}. With --fit, the epoch goes through fit() (the
// call of the notebooks: progress line, test pass); the same function runs inside a tslab kernel (kernel_epoch.py).
// With --batches N, N mini-batches of trainStep are timed and scaled to the epoch's 600 (as browser_epoch.js does).
"use strict";
const path = require("path");
const { PerformanceObserver, constants } = require("perf_hooks");
const L = require(path.resolve(__dirname, "../../lib/dist"));

/** Loads MNIST and makes the model, loaders and optimizer of the slides (SGD; lr 0.1 for the CNN, 0.5 for the MLP). */
async function prepare(model) {
  L.manualSeed(1);
  const trans = L.transforms.Compose([L.transforms.ToTensor(), L.transforms.Normalize([0.5], [1.0])]);
  const quiet = { log: () => undefined };
  const train_set = await L.datasets.MNIST({ train: true, transform: trans, download: true, ...quiet });
  const test_set = await L.datasets.MNIST({ train: false, transform: trans, ...quiet });
  const net = model === "cnn" ? new L.ConvNet() : new L.Net();
  return {
    net,
    optimizer: L.optim.SGD(net.parameters(), { lr: model === "cnn" ? 0.1 : 0.5 }),
    train_loader: new L.DataLoader({ dataset: train_set, batch_size: 100, shuffle: true }),
    test_loader: new L.DataLoader({ dataset: test_set, batch_size: 100 }),
  };
}

/**
 * One epoch through fit(), with a live curve when `live` (a notebook); returns fit's wall seconds for the epoch and
 * the CPU seconds the whole process spent meanwhile (all its threads: TensorFlow's pools, and in a kernel tslab's
 * and zeromq's too), which other processes on a shared machine disturb far less than the wall time, and the time spent
 * in garbage collection (the kernel's heap also holds tslab's TypeScript program).
 */
async function fitEpoch(model, live) {
  const p = await prepare(model);
  const curve = live ? new L.plot.LiveCurve(`bench ${model}`) : null;
  // garbage collection during fit(): all pauses, and the full (mark-compact) ones, whose cost grows with the heap
  const gc = { ms: 0, full_ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.full_ms += e.duration;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const h = await L.fit(p.net, p.optimizer, p.train_loader, p.test_loader, { epochs: 1, label: model, on_epoch: curve ? (x) => curve.update(x) : undefined });
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last gc entries arrive
  observer.disconnect();
  const heap_mb = Math.round(process.memoryUsage().heapUsed / 1e6);
  return { seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, gc_ms: Math.round(gc.ms), gc_full_ms: Math.round(gc.full_ms), heap_mb, test_acc: h.epochs[0].test_acc };
}

async function main() {
  const [backend, model, mode] = process.argv.slice(2);
  await L.useBackend(backend, { print: false });
  const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
  if (mode === "--fit") {
    const r = await fitEpoch(model, false);
    console.log(JSON.stringify({ backend, model, mode: "fit", ...r, images: 60000, rss_mb: rss() }));
    return;
  }
  const p = await prepare(model);
  // warm-up: the first steps build kernels and allocate
  let n = 0;
  for await (const [x, y] of p.train_loader) {
    L.trainStep(p.net, p.optimizer, x, y);
    if (++n === 3) break;
  }
  // --batches N (the browser bench's comparison on a loaded machine): N mini-batches of trainStep, scaled to the 600
  const i = process.argv.indexOf("--batches");
  const batches = i >= 0 ? Number(process.argv[i + 1]) : null;
  const cpu0 = process.cpuUsage(); // the process's CPU time, all its threads (wasm's too), for the browser row beside it
  const t0 = process.hrtime.bigint();
  let r = { count: 0, loss: null };
  if (batches === null) r = await L.trainEpoch(p.net, p.optimizer, p.train_loader, { progress: false });
  else for await (const [x, y] of p.train_loader) { L.trainStep(p.net, p.optimizer, x, y); r.count += x.shape[0]; if (++n === 3 + batches) break; }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (batches !== null) {
    const cpu_seconds = (cpu.user + cpu.system) / 1e6;
    const scale = 600 / batches;
    console.log(JSON.stringify({ backend, model, mode: "epoch", seconds: seconds * scale, cpu_seconds: cpu_seconds * scale, images: r.count * scale, scaled_from: { batches, seconds, cpu_seconds }, rss_mb: rss() }));
    return;
  }
  const test = await L.evaluate(p.net, p.test_loader);
  console.log(JSON.stringify({ backend, model, mode: "epoch", seconds, cpu_seconds: (cpu.user + cpu.system) / 1e6, images: r.count, train_loss: r.loss, test_acc: test.accuracy, rss_mb: rss() }));
}

if (require.main === module) {
  main().catch((e) => {
    console.log(JSON.stringify({ error: String(e && e.message ? e.message : e).split("\n")[0] }));
    process.exit(1);
  });
}
module.exports = { fitEpoch };
