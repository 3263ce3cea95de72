#!/usr/bin/env node
// npm run bench: one training epoch of the lecture's MLP and CNN on real MNIST (batch 100, SGD) on each backend,
// the PyTorch reference (the seed's models, CPU, the same batch size and thread count) in the same invocation, and
// one epoch through fit() inside a real tslab kernel against the same fit() in plain node (the notebook's overhead),
// and the same epoch in the browser: the JupyterLite site's kernel in Debian's chromium (scripts/bench/browser_epoch.js),
// WebAssembly against node's WebAssembly row, and WebGL on chromium's software renderer (SwiftShader: no GPU here).
// Every row runs in a fresh process, one after another. Prints a table and writes it as JSON to artifacts/bench/.
// Not part of npm test: timings depend on the machine and its load; only ratios from one run mean anything.
//
//   npm run bench                                 everything (about 5 minutes on 2 cores; wasm is the slow part)
//   npm run bench -- --models cnn --backends tensorflow --no-kernel
//   npm run bench -- --profile                    where one training step's time goes, tfjs (each backend) and PyTorch side by side
//   npm run bench -- --kernel-only --repeats 5    only fit() in the kernel against plain node, 5 times each, interleaved
//   npm run bench -- --kernel-costs               what the kernel adds per mini-batch, piece by piece (scripts/bench/kernel_costs.js)
//   npm run bench -- --browser                    only the browser part: node's wasm epoch, then the same in the site in chromium
//   npm run bench -- --browser --webgl-batches 0  ... without the WebGL row (default: 10 mini-batches, scaled to the epoch)
//   npm run bench -- --browser --batches 60       ... the wasm rows on 60 mini-batches each, scaled to the epoch (a loaded machine)
//   npm run bench -- --no-browser                 everything but the browser rows
//
// The kernel's overhead is a few percent at most, less than what other processes on a shared machine change from one
// run to the next: --repeats N runs the node and kernel rows N times each, alternating (node, kernel, kernel, node, ...),
// and compares their medians, of the wall time and of the CPU time the process spent (all its threads).
//
// PyTorch is optional and bench-only: the bench looks for it in .venv (or $BENCH_PYTHON) and says how to install
// it when it is missing; the other rows are measured anyway.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const python = process.env.BENCH_PYTHON || path.join(root, ".venv", "bin", "python");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1].split(",") : dflt;
};
const models = arg("--models", ["mlp", "cnn"]);
const backends = arg("--backends", ["tensorflow", "wasm"]);
const withKernel = !process.argv.includes("--no-kernel");
const kernelOnly = process.argv.includes("--kernel-only") || process.argv.includes("--kernel-costs");
const repeats = Math.max(1, Number(arg("--repeats", ["1"])[0]) || 1);
// the browser part (the site, `npm run site`, built first): --browser runs only it (with node's wasm row to compare)
const browserOnly = process.argv.includes("--browser");
const withBrowser = browserOnly || (!process.argv.includes("--no-browser") && !kernelOnly && !process.argv.includes("--profile"));
const webglBatches = Number(arg("--webgl-batches", ["10"])[0]); // WebGL in software: N mini-batches scaled to 600 (0: no row)
// --batches N: node's and the browser's wasm rows time N mini-batches, scaled to the epoch (a loaded machine, the CNN)
const wasmBatches = arg("--batches", null);
const batchArgs = wasmBatches ? ["--batches", wasmBatches[0]] : [];

/** Runs one row in its own process; returns its JSON line, or {error}. */
function row(cmd, args, label) {
  process.stdout.write(`  ${label} ... `);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26, timeout: 3600e3 });
  const line = (r.stdout || "").trim().split("\n").reverse().find((l) => l.startsWith("{"));
  let res;
  try {
    res = JSON.parse(line);
  } catch {
    res = { error: `${(r.stderr || r.stdout || String(r.error || "no output")).trim().split("\n").slice(-3).join(" | ")}` };
  }
  const cpu = res.cpu_seconds !== undefined ? `, CPU ${res.cpu_seconds.toFixed(1)} s` : "";
  console.log(res.error ? `failed: ${res.error}` : res.seconds !== undefined ? `${res.seconds.toFixed(1)} s${cpu} (${((Date.now() - t0) / 1000).toFixed(0)} s with start-up)` : "done");
  return res;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One row from `runs` of the same command: the medians of its wall and CPU seconds (all runs listed), or the first error. */
function medianRow(label, model, runs) {
  const failed = runs.find((r) => r.error);
  if (failed) return { label, model, ...failed };
  const rss = Math.max(...runs.map((r) => r.rss_mb));
  return { ...runs[0], label, model, seconds: median(runs.map((r) => r.seconds)), cpu_seconds: median(runs.map((r) => r.cpu_seconds)),
    gc_ms: median(runs.map((r) => r.gc_ms)), gc_full_ms: median(runs.map((r) => r.gc_full_ms)), rss_mb: rss,
    runs: runs.map((r) => ({ seconds: r.seconds, cpu_seconds: r.cpu_seconds, gc_ms: r.gc_ms, gc_full_ms: r.gc_full_ms, heap_mb: r.heap_mb })) };
}

/** fit() in plain node and inside a tslab kernel, `repeats` times each, alternating so that a changing load weighs on both alike. */
function kernelRows(model) {
  const runs = { fit: [], kernel: [] };
  for (let i = 0; i < repeats; i++) {
    const tag = repeats > 1 ? ` (${i + 1}/${repeats})` : "";
    for (const mode of i % 2 === 0 ? ["fit", "kernel"] : ["kernel", "fit"]) {
      runs[mode].push(mode === "fit"
        ? row("node", ["scripts/bench/epoch.js", "tensorflow", model, "--fit"], `fit() in node${tag}`)
        : row(python, ["scripts/bench/kernel_epoch.py", "tensorflow", model], `fit() in a tslab kernel${tag}`));
    }
  }
  return [medianRow("fit() in plain node, tensorflow", model, runs.fit), medianRow("fit() in a tslab kernel, tensorflow", model, runs.kernel)];
}

/**
 * The kernel's own costs per mini-batch, in plain node and in a tslab kernel, and what they add to an epoch: fit()
 * takes one loop turn and one interrupt poll per batch (600 training + 100 test batches of MNIST) and redraws its
 * progress line at most 4 times a second (ProgressLine's 250 ms).
 */
function kernelCosts(startedAt) {
  const node = row("node", ["scripts/bench/kernel_costs.js"], "costs in plain node");
  const kernel = row(python, ["scripts/bench/kernel_epoch.py", "tensorflow", "--costs"], "costs in a tslab kernel");
  if (node.error || kernel.error) return;
  const us = (x) => `${x.toFixed(2)} µs`;
  console.log(`\n${"".padEnd(34)}${"plain node".padStart(14)}${"tslab kernel".padStart(14)}`);
  console.log(`${"loop turn (for await, per batch)".padEnd(34)}${us(node.turn_us).padStart(14)}${us(kernel.turn_us).padStart(14)}`);
  console.log(`${"interrupt poll (per batch)".padEnd(34)}${us(node.interrupt_poll_us).padStart(14)}${us(kernel.interrupt_poll_us).padStart(14)}`);
  console.log(`${"progress line redraw".padEnd(34)}${"(none)".padStart(14)}${us(kernel.display_update_us).padStart(14)}  (CPU ${us(kernel.display_update_cpu_us)})`);
  // an upper bound: the kernel's whole turn and poll, as if plain node's cost nothing (the difference is below the noise)
  const perEpoch = (700 * (kernel.turn_us + kernel.interrupt_poll_us)) / 1000;
  const perSecond = (4 * Math.max(kernel.display_update_us, kernel.display_update_cpu_us)) / 1000;
  console.log(`the kernel adds at most ${perEpoch.toFixed(1)} ms per MNIST epoch (700 batches) + ${perSecond.toFixed(2)} ms per second of training (redraws):` +
    ` ${((perEpoch / 1000 / 3.8 + perSecond / 1000) * 100).toFixed(2)} % of a 3.8 s MLP epoch (environment.md's idle-machine run)`);
  const dir = path.join(root, "artifacts", "bench");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel-costs.json"), JSON.stringify({ startedAt, node, kernel, per_epoch_ms: perEpoch, per_second_ms: perSecond }, null, 1) + "\n");
  console.log("written: artifacts/bench/kernel-costs.json");
}

function torchAvailable() {
  const r = spawnSync(python, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** One training step's kernels on each backend beside PyTorch's operators (top 12 by time). */
function profile(torch) {
  const doc = { profiles: [] };
  for (const model of models) {
    const sides = backends.map((b) => row("node", ["scripts/bench/profile.js", b, model], `profile tfjs ${b} ${model}`));
    if (torch) sides.push(row(python, ["scripts/bench/torch_profile.py", model], `profile PyTorch ${model}`));
    console.log(`\n${model.toUpperCase()}: one training step (batch 100), ms per step: ${sides.map((x) => `${x.framework ?? "?"} ${x.step_ms?.toFixed(1) ?? x.error}`).join(", ")}`);
    const cols = sides.map((x) => (x.kernels ?? []).slice(0, 12));
    for (let i = 0; i < 12; i++) {
      console.log(cols.map((c) => (c[i] ? `${c[i].name.slice(0, 30).padEnd(31)}${String(c[i].calls).padStart(3)}${c[i].ms.toFixed(2).padStart(8)}` : "".padEnd(42))).join("   |   "));
    }
    doc.profiles.push(...sides);
  }
  return doc;
}

function main() {
  const startedAt = new Date().toISOString();
  console.log(`npm run bench: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}`);
  const torch = kernelOnly || browserOnly ? null : torchAvailable();
  if (!torch && !kernelOnly && !browserOnly) {
    console.log(
      `PyTorch is not installed in ${path.relative(root, python) || python}: the ratio column stays empty. To measure the reference, install\n` +
        `the CPU build (bench-only, not a project dependency): ${path.relative(root, python)} -m pip install torch numpy  (on a machine without a GPU,\n` +
        `take the CPU-only wheel from PyTorch's CPU index so that pip does not fetch the CUDA build), or set BENCH_PYTHON.`,
    );
  }
  if (process.argv.includes("--kernel-costs")) return kernelCosts(startedAt);
  if (process.argv.includes("--profile")) {
    const doc = { startedAt, cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), torch, ...profile(torch) };
    fs.mkdirSync(path.join(root, "artifacts", "bench"), { recursive: true });
    fs.writeFileSync(path.join(root, "artifacts", "bench", "profile.json"), JSON.stringify(doc, null, 1) + "\n");
    console.log("written: artifacts/bench/profile.json");
    return;
  }
  const rows = [];
  if (withBrowser) {
    // the site as `npm run site` builds it from this checkout (about 10 s), so that the browser runs this code
    const built = spawnSync("bash", ["scripts/site.sh"], { cwd: root, encoding: "utf8" });
    if (built.status !== 0) throw new Error(`scripts/site.sh failed: ${(built.stderr || built.stdout).trim().split("\n").slice(-3).join(" | ")}`);
  }
  for (const model of models) {
    console.log(`\n${model.toUpperCase()}: one epoch of 60,000 images, batch 100, SGD`);
    const nodeBackends = browserOnly ? ["wasm"] : kernelOnly ? [] : backends;
    for (const backend of nodeBackends) rows.push({ label: `lib/ trainEpoch, ${backend}`, ...row("node", ["scripts/bench/epoch.js", backend, model, ...(backend === "wasm" ? batchArgs : [])], `${backend} trainEpoch`) , model });
    if (withBrowser) {
      rows.push({ label: "browser (chromium, site) wasm", ...row("node", ["scripts/bench/browser_epoch.js", "wasm", model, ...batchArgs], "browser wasm trainEpoch"), model });
      if (webglBatches > 0) {
        rows.push({ label: `browser webgl SwiftShader (${webglBatches} b.)`, ...row("node", ["scripts/bench/browser_epoch.js", "webgl", model, "--batches", String(webglBatches)], `browser webgl, ${webglBatches} mini-batches`), model });
      }
    }
    const mnist = path.join(root, "datasets", "mnist");
    if (torch && !kernelOnly) rows.push({ label: `PyTorch ${torch}`, ...row(python, ["scripts/bench/torch_epoch.py", model, mnist], "PyTorch"), model });
    if (!browserOnly && (withKernel || kernelOnly)) rows.push(...kernelRows(model));
  }
  // ratios: epochs against PyTorch's; the kernel's fit() against plain node's fit()
  for (const r of rows) {
    if (r.error) continue;
    r.images_per_s = Math.round(r.images / r.seconds);
    const ref = rows.find((x) => x.model === r.model && x.label.startsWith("PyTorch") && !x.error);
    if (ref && r.mode === "epoch") r.vs_pytorch = r.seconds / ref.seconds;
    const nodeWasm = rows.find((x) => x.model === r.model && x.label === "lib/ trainEpoch, wasm" && !x.error);
    if (r.where === "browser" && nodeWasm) r.vs_node_wasm = r.seconds / nodeWasm.seconds;
    const plain = rows.find((x) => x.model === r.model && x.mode === "fit" && !x.error);
    if (r.mode === "kernel" && plain) {
      r.vs_plain_node = r.seconds / plain.seconds;
      r.cpu_vs_plain_node = r.cpu_seconds / plain.cpu_seconds;
    }
  }
  const fmt = (v, d) => (v === undefined ? "" : v.toFixed(d));
  console.log(`\n${"model".padEnd(6)}${"run".padEnd(40)}${"s/epoch".padStart(9)}${"images/s".padStart(10)}${"ratio".padStart(8)}${"peak RSS".padStart(10)}`);
  for (const r of rows) {
    const ratio = r.vs_pytorch !== undefined ? `${fmt(r.vs_pytorch, 2)}×` : r.vs_plain_node !== undefined ? `${fmt(r.vs_plain_node, 3)}×n` : "";
    console.log(r.error
      ? `${r.model.padEnd(6)}${r.label.padEnd(40)}  failed: ${r.error.slice(0, 120)}`
      : `${r.model.padEnd(6)}${r.label.padEnd(40)}${fmt(r.seconds, 1).padStart(9)}${String(r.images_per_s).padStart(10)}${ratio.padStart(8)}${(r.rss_mb === null ? "" : `${r.rss_mb} MB`).padStart(10)}`);
  }
  for (const r of rows.filter((x) => x.vs_node_wasm !== undefined)) {
    const scaled = r.scaled_from ? ` (${r.scaled_from.batches} mini-batches in ${r.scaled_from.seconds.toFixed(1)} s, scaled to 600)` : "";
    const node = rows.find((x) => x.model === r.model && x.label === "lib/ trainEpoch, wasm");
    const cpu = r.cpu_seconds !== undefined && node.cpu_seconds !== undefined ? `, CPU ${fmt(r.cpu_seconds, 1)} s ÷ ${fmt(node.cpu_seconds, 1)} s = ${fmt(r.cpu_seconds / node.cpu_seconds, 2)}×` : "";
    console.log(`${r.model.toUpperCase()}: ${r.label} ÷ node's wasm trainEpoch: wall ${fmt(r.seconds, 1)} s ÷ ${fmt(node.seconds, 1)} s = ${fmt(r.vs_node_wasm, 2)}×${r.backend === "wasm" ? " (target ≤ 1.2×)" : ""}${cpu}; ${r.threads ?? "no"} wasm threads${scaled}`);
  }
  for (const r of rows.filter((x) => x.vs_plain_node !== undefined)) {
    const plain = rows.find((x) => x.model === r.model && x.mode === "fit");
    const list = (x, k) => x.runs.map((y) => y[k].toFixed(1)).join(" ");
    console.log(`${r.model.toUpperCase()}: fit() in the kernel ÷ in plain node: wall ${fmt(r.vs_plain_node, 3)}×, CPU ${fmt(r.cpu_vs_plain_node, 3)}×` +
      (repeats > 1 ? ` (medians of ${repeats}; wall s node ${list(plain, "seconds")} | kernel ${list(r, "seconds")}; CPU s node ${list(plain, "cpu_seconds")} | kernel ${list(r, "cpu_seconds")})` : ""));
    console.log(`     garbage collection during fit(): node ${plain.gc_ms} ms (full GCs ${plain.gc_full_ms} ms), kernel ${r.gc_ms} ms (full GCs ${r.gc_full_ms} ms)${repeats > 1 ? " (medians)" : ""}`);
  }
  console.log("ratio: seconds per epoch ÷ PyTorch's (all cores); ×n: fit() in the tslab kernel ÷ the same fit() in plain node (medians with --repeats);");
  const dir = path.join(root, "artifacts", "bench");
  fs.mkdirSync(dir, { recursive: true });
  const doc = { startedAt, cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), node: process.version, torch, rows };
  const file = path.join(dir, `bench-${startedAt.replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + "\n");
  fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify(doc, null, 1) + "\n");
  console.log(`written: ${path.relative(root, file)} (and artifacts/bench/latest.json)`);
}

main();
