// What the kernel could add to each mini-batch of fit(), measured one by one in this process (plain node, or a tslab
// kernel through kernel_epoch.py --costs): the loop turn that DataLoader's `for await` takes per batch (setImmediate;
// in the kernel the event loop also polls zeromq's sockets), the Kernel > Interrupt poll (InterruptWatch), and one
// live-display update (the progress line: in the kernel a signed update_display_data through the serial send queue).
//   node scripts/bench/kernel_costs.js       prints one JSON line; npm run bench -- --kernel-costs runs both sides
"use strict";
const path = require("path");
const { performance } = require("perf_hooks");
const dist = path.resolve(__dirname, "../../lib/dist");

async function costs() {
  const { InterruptWatch } = require(path.join(dist, "core/kernel.js"));
  const { LiveDisplay } = require(path.join(dist, "core/display.js"));
  const perCall = async (n, f) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f(i);
    return ((performance.now() - t0) * 1000) / n; // µs
  };
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  await perCall(200, turn); // warm-up
  const r = { turn_us: await perCall(6000, turn) };
  const watch = new InterruptWatch();
  let seen = 0;
  const t0 = performance.now();
  for (let i = 0; i < 60000; i++) seen += watch.interrupted ? 1 : 0;
  r.interrupt_poll_us = ((performance.now() - t0) * 1000) / 60000 + seen;
  // the progress line (in a notebook only: outside one, fit() draws no live line)
  const line = new LiveDisplay();
  r.in_notebook = line.inNotebook;
  if (line.inNotebook) {
    const cpu0 = process.cpuUsage();
    r.display_update_us = await perCall(400, (i) => line.update({ "text/plain": `エポック 1/1 |████████░░░░░░░░| ${i}/600 損失 0.4120 | 3,100 枚/秒 | 残り 10 秒` }));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the queued sends leave
    const cpu = process.cpuUsage(cpu0);
    r.display_update_cpu_us = (cpu.user + cpu.system) / 400; // with the sends' serialization and signing (and 300 ms idle)
  }
  return r;
}

if (require.main === module) costs().then((r) => console.log(JSON.stringify({ mode: "costs", where: "node", ...r })));
module.exports = { costs };
