// globalSetup of the site's test: builds the site (scripts/site.sh, as `npm run site` does) and serves site/_output
// with python3 -m http.server on 127.0.0.1 and a free port, a plain static server with no special headers. The
// tests find it in process.env.LECTURE3_SITE. Returns the teardown (stops the server).
"use strict";
const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const { freePort } = require("../browser/server");

const root = path.resolve(__dirname, "..", "..");

module.exports = async function serveSite() {
  const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`${chromium} がありません (Debian: apt-get install chromium; または CHROMIUM を設定)`);
  const t0 = Date.now();
  execFileSync("bash", [path.join(root, "scripts", "site.sh")], { cwd: root, stdio: "inherit" });
  console.log(`[site] build: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  fs.rmSync(path.join(root, "artifacts", "site"), { recursive: true, force: true });
  fs.mkdirSync(path.join(root, "artifacts", "site"), { recursive: true });
  const { base, stop } = await serveOutput(fs.openSync(path.join(root, "artifacts", "site", "http.log"), "w"));
  process.env.LECTURE3_SITE = base;
  return stop;
};

/**
 * Serves the built site (site/_output) with python3 -m http.server on 127.0.0.1 and a free port, once it answers;
 * its log (stderr) into `log` (a file descriptor, or "ignore"). Also the browser bench's and ab-kernels.js's server.
 */
async function serveOutput(log = "ignore") {
  const port = await freePort();
  const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", path.join(root, "site", "_output")], {
    stdio: ["ignore", "ignore", log],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/lab/index.html`).then((r) => r.ok, () => false);
    if (up) break;
    if (i > 100 || server.exitCode !== null) throw new Error(`python3 -m http.server did not start${log === "ignore" ? "" : " (artifacts/site/http.log)"}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: async () => void server.kill() };
}
module.exports.serveOutput = serveOutput;
