// globalSetup of the browser test (playwright.config.js): one JupyterLab for all tests, from .venv through
// scripts/env.sh (the project's PATH, JUPYTER_PATH and TensorFlow log level, set there and only there), on 127.0.0.1
// with a random port and token, and folders of its own: nothing from ~/.jupyter leaks in or is written, and the
// runtime folder names this run's kernels. Its root is artifacts/browser/notebooks/, emptied here; each test copies
// in the notebooks it opens. The tests find the server in process.env.LECTURE3_LAB (lab.js). Returns the teardown.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const net = require("net");
const path = require("path");
const lab = require("./lab");

const { root, out, work } = lab;
const log = path.join(out, "jupyterlab.log");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const tail = (file, n = 15) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").slice(-n).join("\n") : "");

module.exports = async function startJupyterLab() {
  const jupyter = path.join(root, ".venv", "bin", "jupyter");
  if (!fs.existsSync(jupyter)) throw new Error(`${jupyter} is missing: run npm run setup`);
  const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`${chromium} is missing (Debian: apt-get install chromium; or set CHROMIUM)`);
  fs.rmSync(out, { recursive: true, force: true }); // screenshots, the server root and the log of the last run
  fs.mkdirSync(work, { recursive: true });
  // 05 loads the CNN that 04 saved (models/cnn.json beside the notebook) instead of training one
  const cnn = path.join(root, "notebooks", "models", "cnn.json");
  if (fs.existsSync(cnn)) fs.cpSync(cnn, path.join(work, "models", "cnn.json"));

  const jupyterDir = fs.mkdtempSync(path.join(out, "jupyter-"));
  const dir = (n) => {
    fs.mkdirSync(path.join(jupyterDir, n), { recursive: true });
    return path.join(jupyterDir, n);
  };
  const server = { port: await freePort(), token: crypto.randomBytes(24).toString("hex"), runtime: dir("runtime") };
  server.base = `http://127.0.0.1:${server.port}`;
  // no settings of its own: the project's (.venv/share/jupyter/lab/settings/overrides.json, from setup.sh) must
  // keep the news pop-up away, as in `npm run lab`
  const args = [
    "--no-browser", "--ip=127.0.0.1", `--port=${server.port}`, "--port-retries=0", `--IdentityProvider.token=${server.token}`,
    `--ServerApp.root_dir=${work}`, `--LabApp.user_settings_dir=${dir("user-settings")}`, `--LabApp.workspaces_dir=${dir("workspaces")}`,
  ];
  if (process.getuid && process.getuid() === 0) args.push("--allow-root");
  const env = { ...process.env, JUPYTER_CONFIG_DIR: dir("config"), JUPYTER_DATA_DIR: dir("data"), JUPYTER_RUNTIME_DIR: server.runtime };
  const fd = fs.openSync(log, "w");
  const proc = spawn("bash", ["-c", `source "${path.join(root, "scripts", "env.sh")}" && exec jupyter lab "$@"`, "jupyter-lab", ...args],
    { cwd: work, env, detached: true, stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
  let dead = false;
  const exited = new Promise((r) => proc.on("exit", () => r((dead = true))));
  process.env.LECTURE3_LAB = JSON.stringify(server);

  async function stopJupyterLab() {
    if (!dead) {
      await Promise.race([lab.shutdownKernels(), lab.sleep(10000)]);
      for (const [sig, wait] of [["SIGTERM", 10000], ["SIGKILL", 5000]]) {
        try {
          process.kill(-proc.pid, sig); // the server's process group
        } catch {
          /* already gone */
        }
        if (await Promise.race([exited, lab.sleep(wait).then(() => false)])) break;
      }
    }
    // kernels run in sessions of their own (jupyter_client starts them so): end any that survived, by pid
    for (const pid of lab.kernelPids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    fs.rmSync(jupyterDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + 90000;
  for (;;) {
    const r = await lab.api("GET", "/api/status").catch(() => null);
    if (r && r.status === 200) return stopJupyterLab;
    if (dead || Date.now() > deadline) {
      await stopJupyterLab();
      throw new Error(`${dead ? "jupyter lab exited" : "JupyterLab did not answer /api/status in 90 s"}; see ${path.relative(root, log)}:\n${tail(log)}`);
    }
    await lab.sleep(500);
  }
};

module.exports.freePort = freePort; // also the site's static server (test/site/server.js)
