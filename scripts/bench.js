#!/usr/bin/env node
// npm run bench: one training epoch of the lecture's MLP and CNN on real MNIST (batch 100, SGD) on each backend,
// the PyTorch reference (the seed's models, CPU, the same batch size and thread count) in the same invocation, and
// one epoch through fit() inside a real tslab kernel against the same fit() in plain node (the notebook's overhead).
// Every row runs in a fresh process, one after another. Prints a table and writes it as JSON to artifacts/bench/.
// Not part of npm test: timings depend on the machine and its load; only ratios from one run mean anything.
//
//   npm run bench                                 everything (about 5 minutes on 2 cores; wasm is the slow part)
//   npm run bench -- --models cnn --backends tensorflow --no-kernel
//   npm run bench -- --profile                    where one training step's time goes, tfjs (each backend) and PyTorch side by side
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
  console.log(res.error ? `failed: ${res.error}` : res.seconds !== undefined ? `${res.seconds.toFixed(1)} s (${((Date.now() - t0) / 1000).toFixed(0)} s with start-up)` : "done");
  return res;
}

function torchAvailable() {
  const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
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
  const torch = torchAvailable();
  if (!torch) {
    console.log(
      `PyTorch is not installed in ${path.relative(root, python) || python}: the ratio column stays empty. To measure the reference, install\n` +
        `the CPU build (bench-only, not a project dependency): ${path.relative(root, python)} -m pip install torch  (on a machine without a GPU,\n` +
        `take the CPU-only wheel from PyTorch's CPU index so that pip does not fetch the CUDA build), or set BENCH_PYTHON.`,
    );
  }
  if (process.argv.includes("--profile")) {
    const doc = { startedAt, cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), torch, ...profile(torch) };
    fs.mkdirSync(path.join(root, "artifacts", "bench"), { recursive: true });
    fs.writeFileSync(path.join(root, "artifacts", "bench", "profile.json"), JSON.stringify(doc, null, 1) + "\n");
    console.log("written: artifacts/bench/profile.json");
    return;
  }
  const rows = [];
  for (const model of models) {
    console.log(`\n${model.toUpperCase()}: one epoch of 60,000 images, batch 100, SGD`);
    for (const backend of backends) rows.push({ label: `lib/ trainEpoch, ${backend}`, ...row("node", ["scripts/bench/epoch.js", backend, model], `${backend} trainEpoch`) , model });
    const mnist = path.join(root, "datasets", "mnist");
    if (torch) rows.push({ label: `PyTorch ${torch}`, ...row(python, ["scripts/bench/torch_epoch.py", model, mnist], "PyTorch"), model });
    if (withKernel) {
      rows.push({ label: "fit() in plain node, tensorflow", ...row("node", ["scripts/bench/epoch.js", "tensorflow", model, "--fit"], "fit() in node"), model });
      rows.push({ label: "fit() in a tslab kernel, tensorflow", ...row(python, ["scripts/bench/kernel_epoch.py", "tensorflow", model], "fit() in a tslab kernel"), model });
    }
  }
  // ratios: epochs against PyTorch's; the kernel's fit() against plain node's fit()
  for (const r of rows) {
    if (r.error) continue;
    r.images_per_s = Math.round(r.images / r.seconds);
    const ref = rows.find((x) => x.model === r.model && x.label.startsWith("PyTorch") && !x.error);
    if (ref && r.mode === "epoch") r.vs_pytorch = r.seconds / ref.seconds;
    const plain = rows.find((x) => x.model === r.model && x.mode === "fit" && !x.error);
    if (r.mode === "kernel" && plain) r.vs_plain_node = r.seconds / plain.seconds;
  }
  const fmt = (v, d) => (v === undefined ? "" : v.toFixed(d));
  console.log(`\n${"model".padEnd(6)}${"run".padEnd(40)}${"s/epoch".padStart(9)}${"images/s".padStart(10)}${"ratio".padStart(8)}${"peak RSS".padStart(10)}`);
  for (const r of rows) {
    const ratio = r.vs_pytorch !== undefined ? `${fmt(r.vs_pytorch, 2)}×` : r.vs_plain_node !== undefined ? `${fmt(r.vs_plain_node, 3)}×n` : "";
    console.log(r.error
      ? `${r.model.padEnd(6)}${r.label.padEnd(40)}  failed: ${r.error.slice(0, 120)}`
      : `${r.model.padEnd(6)}${r.label.padEnd(40)}${fmt(r.seconds, 1).padStart(9)}${String(r.images_per_s).padStart(10)}${ratio.padStart(8)}${`${r.rss_mb} MB`.padStart(10)}`);
  }
  console.log("ratio: seconds per epoch ÷ PyTorch's (all cores); ×n: fit() in the tslab kernel ÷ the same fit() in plain node;");
  const dir = path.join(root, "artifacts", "bench");
  fs.mkdirSync(dir, { recursive: true });
  const doc = { startedAt, cores: os.cpus().length, cpu: os.cpus()[0]?.model.trim(), node: process.version, torch, rows };
  const file = path.join(dir, `bench-${startedAt.replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + "\n");
  fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify(doc, null, 1) + "\n");
  console.log(`written: ${path.relative(root, file)} (and artifacts/bench/latest.json)`);
}

main();
