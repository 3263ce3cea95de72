// Where one training step's time goes on a tfjs backend: tf.profile of trainStep (batch 100), kernels summed by
// name, after a warm-up. Run by `npm run bench -- --profile` beside scripts/bench/torch_profile.py.
//   node scripts/bench/profile.js <tensorflow|wasm> <cnn|mlp>      prints one JSON line
"use strict";
const path = require("path");
const L = require(path.resolve(__dirname, "../../lib/dist"));
const tf = L.tf;

async function main() {
  const [backend, model] = process.argv.slice(2);
  await L.useBackend(backend, { print: false });
  L.manualSeed(1);
  const net = model === "cnn" ? new L.ConvNet() : new L.Net();
  const opt = L.optim.SGD(net.parameters(), { lr: model === "cnn" ? 0.1 : 0.5 });
  const x = tf.randomUniform([100, 28, 28, 1], -0.5, 0.5);
  const y = tf.tensor1d(Array.from({ length: 100 }, (_, i) => i % 10), "int32");
  for (let i = 0; i < 5; i++) L.trainStep(net, opt, x, y);
  const steps = 20;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) L.trainStep(net, opt, x, y);
  const stepMs = Number(process.hrtime.bigint() - t0) / 1e6 / steps;
  const by = {};
  for (let r = 0; r < 5; r++) {
    const prof = await tf.profile(() => L.trainStep(net, opt, x, y));
    for (const k of prof.kernels) {
      const e = (by[k.name] = by[k.name] || { calls: 0, ms: 0 });
      e.calls += 1 / 5;
      e.ms += (typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0) / 5;
    }
  }
  const kernels = Object.entries(by).map(([name, v]) => ({ name, calls: Math.round(v.calls), ms: v.ms })).sort((a, b) => b.ms - a.ms);
  console.log(JSON.stringify({ framework: `tfjs ${backend}`, model, step_ms: stepMs, kernels }));
}
main();
