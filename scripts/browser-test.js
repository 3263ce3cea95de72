#!/usr/bin/env node
// The third test layer: a real browser. Starts JupyterLab (from .venv) on 127.0.0.1 with a random port
// and token, opens notebooks in headless chromium (playwright-core), runs all cells from the UI, and
// checks what a student would see: no error output, the printed numbers, the plotly figures drawn as
// SVG (offline: every request to a host other than 127.0.0.1 is blocked and fails the test), and that
// a saved notebook shows its figures again when reopened without running.
//
//   node scripts/browser-test.js          (npm test runs it when chromium is installed)
//
// The notebooks are copied (outputs stripped) to artifacts/browser/notebooks/, which is the server's
// root, so running and saving in the UI never touches the committed notebooks. From there "lecture3"
// still resolves (node walks up to <repo>/node_modules) and "../datasets" is the symlink
// artifacts/browser/datasets -> <repo>/datasets (the MNIST cache); LECTURE3_DATA_MIRROR is passed on.
// Screenshots and the server's log go to artifacts/browser/. Ends with "browser: N passed, M failed".
//
// Environment: CHROMIUM (default /usr/bin/chromium), BROWSER_TEST_TIMEOUT_S (default 480),
// BROWSER_TEST_HEADED=1 (show the window), TFJS_BACKEND (the backend line to expect).
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const net = require("net");
const path = require("path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "artifacts", "browser");
const work = path.join(out, "notebooks");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const limitMs = 1000 * Number(process.env.BROWSER_TEST_TIMEOUT_S || 480);
const t00 = Date.now();
const deadline = t00 + limitMs;

const NB1 = "01_imagenet.ipynb";
const NB2 = "02_mnist_mlp.ipynb";

// ------------------------------------------------------------------ results

const results = [];
let phase = "starting";
let aborted = false; // the time limit struck: what fails afterwards is its consequence, not a finding
function check(name, ok, detail = "") {
  if (aborted) return;
  results.push({ name, ok: !!ok, detail: ok ? "" : String(detail) });
  const d = ok ? "" : `: ${String(detail).replace(/\n/g, "\n      ")}`;
  console.log(`  ${ok ? "✔" : "✘"} ${name}${d}`);
}
const info = (msg) => console.log(`    ${msg}`);
const secs = () => `${((Date.now() - t00) / 1000).toFixed(0)} s`;

let finished = false;
function finish(code) {
  if (finished) return;
  finished = true;
  const p = results.filter((r) => r.ok).length;
  const f = results.length - p;
  console.log(`browser: ${p} passed, ${f} failed`);
  process.exitCode = code ?? (f > 0 ? 1 : 0);
}

// ------------------------------------------------------------------ helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const left = () => deadline - Date.now();

class Timeout extends Error {}
/** Polls `fn` until it returns a truthy value; throws Timeout (with `what`) after `ms` or at the deadline. */
async function waitFor(what, fn, ms, every = 500) {
  const start = Date.now();
  const end = Math.min(start + ms, deadline);
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Timeout(`timed out after ${((Date.now() - start) / 1000).toFixed(0)} s waiting for ${what}${last instanceof Error ? ` (${last.message.split("\n")[0]})` : ""}`);
    await sleep(every);
  }
}

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

/** GET/DELETE on the Jupyter server's REST API; resolves {status, body}. */
function api(method, pathname) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: server.port, path: pathname, method, headers: { Authorization: `token ${server.token}` }, timeout: 10000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          let json = null;
          try {
            json = body ? JSON.parse(body) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, body: json, text: body });
        });
      }
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${pathname}: no answer in 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

// ------------------------------------------------------------------ the notebooks' working copies

function prepareWorkDir() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const nb of [NB1, NB2]) {
    const doc = JSON.parse(fs.readFileSync(path.join(root, "notebooks", nb), "utf8"));
    for (const c of doc.cells) {
      if (c.cell_type !== "code") continue;
      c.outputs = []; // the figures we count must come from this run
      c.execution_count = null;
    }
    fs.writeFileSync(path.join(work, nb), JSON.stringify(doc, null, 1) + "\n");
  }
  // "../datasets" seen from artifacts/browser/notebooks/ is the repository's cache
  const datasets = path.join(root, "datasets");
  fs.mkdirSync(datasets, { recursive: true });
  const link = path.join(out, "datasets");
  try {
    const st = fs.lstatSync(link);
    if (!st.isSymbolicLink() || fs.readlinkSync(link) !== datasets) fs.rmSync(link, { recursive: true, force: true });
  } catch {
    /* missing */
  }
  if (!fs.existsSync(link)) fs.symlinkSync(datasets, link, "dir");
  for (const f of fs.readdirSync(out)) {
    if (f.endsWith(".png")) fs.rmSync(path.join(out, f));
    if (/^jupyter-/.test(f)) fs.rmSync(path.join(out, f), { recursive: true, force: true }); // left by a killed run
  }
}

// ------------------------------------------------------------------ JupyterLab

const server = { proc: null, port: 0, token: "", base: "", jupyterDir: "", log: path.join(out, "jupyterlab.log") };

async function startServer() {
  server.port = await freePort();
  server.token = crypto.randomBytes(24).toString("hex");
  server.base = `http://127.0.0.1:${server.port}`;
  // Own config, data, runtime, settings and workspace folders: nothing from ~/.jupyter leaks in (or is
  // written), the runtime folder names this run's kernels, and the settings turn off the news feed.
  server.jupyterDir = fs.mkdtempSync(path.join(out, "jupyter-"));
  const dir = (n) => {
    const d = path.join(server.jupyterDir, n);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const settings = dir("user-settings");
  const notif = path.join(settings, "@jupyterlab", "apputils-extension");
  fs.mkdirSync(notif, { recursive: true });
  fs.writeFileSync(path.join(notif, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  const env = {
    ...process.env,
    PATH: `${path.join(root, ".venv", "bin")}:${path.join(root, "node_modules", ".bin")}:${process.env.PATH}`,
    JUPYTER_PATH: `${path.join(root, ".venv", "share", "jupyter")}${process.env.JUPYTER_PATH ? `:${process.env.JUPYTER_PATH}` : ""}`,
    JUPYTER_CONFIG_DIR: dir("config"),
    JUPYTER_DATA_DIR: dir("data"),
    JUPYTER_RUNTIME_DIR: dir("runtime"),
    TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL || "2",
  };
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${server.port}`,
    "--port-retries=0",
    `--IdentityProvider.token=${server.token}`,
    `--ServerApp.root_dir=${work}`,
    `--LabApp.user_settings_dir=${settings}`,
    `--LabApp.workspaces_dir=${dir("workspaces")}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  if (process.getuid && process.getuid() === 0) args.push("--allow-root");
  const log = fs.openSync(server.log, "w");
  server.proc = spawn(jupyter, args, { cwd: work, env, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  server.exited = new Promise((r) => server.proc.on("exit", (code, sig) => r({ code, sig })));
  server.proc.on("exit", () => (server.dead = true));
  await waitFor(
    "JupyterLab to answer /api/status",
    async () => {
      if (server.dead) throw new Error(`jupyter lab exited; see ${path.relative(root, server.log)}:\n${tail(server.log)}`);
      const r = await api("GET", "/api/status");
      return r.status === 200;
    },
    90000
  ).catch((e) => {
    if (server.dead) throw new Error(`jupyter lab exited; see ${path.relative(root, server.log)}:\n${tail(server.log)}`);
    throw e;
  });
}

function tail(file, n = 15) {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

/** Pids of the kernels this server started: their command line names our runtime folder. */
function ourKernelPids() {
  if (!server.jupyterDir) return [];
  const pids = [];
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (cmd.includes(path.join(server.jupyterDir, "runtime"))) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}

async function shutdownKernels() {
  try {
    const r = await api("GET", "/api/sessions");
    for (const s of r.body || []) await api("DELETE", `/api/sessions/${s.id}`);
  } catch {
    /* server gone */
  }
}

async function stopServer() {
  if (!server.proc) return;
  if (!server.dead) {
    await Promise.race([shutdownKernels(), sleep(10000)]);
    try {
      process.kill(-server.proc.pid, "SIGTERM"); // the server's process group
    } catch {
      /* already gone */
    }
    const done = await Promise.race([server.exited, sleep(10000).then(() => null)]);
    if (!done) {
      try {
        process.kill(-server.proc.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
  // kernels run in their own sessions (jupyter_client starts them so): end any that survived, by pid
  for (const pid of ourKernelPids()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  fs.rmSync(server.jupyterDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ the page

const blocked = new Set();
const pageErrors = [];

function allowed(u) {
  let url;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (url.protocol === "data:" || url.protocol === "blob:" || url.protocol === "about:") return true;
  return url.hostname === "127.0.0.1" && String(url.port) === String(server.port);
}

/** The open notebook's state, read from the DOM. */
function notebookState(page) {
  return page.evaluate(() => {
    const panel = [...document.querySelectorAll(".jp-NotebookPanel")].find((p) => !p.classList.contains("lm-mod-hidden"));
    if (!panel) return null;
    const prompts = [...panel.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")].map((p) => p.textContent.trim());
    const ind = panel.querySelector(".jp-Notebook-ExecutionIndicator");
    return {
      prompts,
      cells: panel.querySelectorAll(".jp-Cell").length,
      running: prompts.filter((p) => p.includes("*")).length,
      numbered: prompts.filter((p) => /\[\d+\]/.test(p)).length,
      indicator: ind ? ind.getAttribute("data-status") : null,
      status: (document.querySelector(".jp-StatusBar-Widget .jp-StatusBar-TextItem[title*='Kernel'], .jp-KernelStatus") || {}).textContent || "",
    };
  });
}

async function kernelState(name) {
  const r = await api("GET", "/api/sessions");
  const s = (r.body || []).find((x) => x.path === name || x.path.endsWith(`/${name}`));
  return s && s.kernel ? s.kernel.execution_state : null;
}

/** Accepts a kernel-selection dialog, should JupyterLab show one, choosing "TypeScript". */
async function acceptKernelDialog(page) {
  const dialog = page.locator(".jp-Dialog");
  if ((await dialog.count()) === 0) return false;
  const select = dialog.locator("select");
  if ((await select.count()) > 0) {
    const options = await select.first().locator("option").allTextContents();
    const ts = options.find((o) => /TypeScript/i.test(o));
    if (ts) await select.first().selectOption({ label: ts });
  }
  await dialog.locator(".jp-Dialog-button.jp-mod-accept").first().click();
  return true;
}

async function openNotebook(page, name) {
  phase = `opening ${name}`;
  // ?reset: a fresh workspace, so only this notebook is open
  await page.goto(`${server.base}/lab/tree/${encodeURIComponent(name)}?reset&token=${server.token}`, { waitUntil: "domcontentloaded", timeout: Math.min(60000, left()) });
  await waitFor(`${name} to open`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    const tab = await page.locator(`.lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel`).allTextContents();
    return st && st.cells > 0 && tab.some((t) => t.includes(name));
  }, 90000);
  await waitFor(`${name}'s kernel to start and be idle`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    return (await kernelState(name)) === "idle" && st && st.indicator !== "busy";
  }, 90000);
}

async function runAll(page, name, ms) {
  phase = `running all cells of ${name}`;
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
  const t0 = Date.now();
  let idleSince = 0;
  const st = await waitFor(
    `${name} to finish running (kernel idle, no cell [*])`,
    async () => {
      await acceptKernelDialog(page);
      const s = await notebookState(page);
      const k = await kernelState(name);
      const started = s.numbered > 0 || s.running > 0;
      const quiet = started && s.running === 0 && k === "idle";
      if (!quiet) idleSince = 0;
      else if (!idleSince) idleSince = Date.now();
      // idle for 2 s, or at once when every code cell has its number
      return quiet && (s.numbered === s.prompts.length || Date.now() - idleSince > 2000) ? s : null;
    },
    ms,
    500
  );
  return { ...st, seconds: (Date.now() - t0) / 1000 };
}

/** What the open notebook shows: output text per code cell, stderr/error text, and the plotly figures. */
function readOutputs(page) {
  return page.evaluate(() => {
    const panel = [...document.querySelectorAll(".jp-NotebookPanel")].find((p) => !p.classList.contains("lm-mod-hidden"));
    const code = [...panel.querySelectorAll(".jp-CodeCell")];
    // textContent, not innerText: cells off screen are skipped by content-visibility and have no innerText
    const outputs = code.map((c) => [...c.querySelectorAll(".jp-OutputArea-output")].map((o) => o.textContent).join("\n"));
    const stderr = [...panel.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')].map((e) => e.textContent);
    // jupyterlab-plotly stores a PNG snapshot in the output after drawing; a reopened notebook shows that
    // <img class="plot-img"> and builds the interactive SVG figure when the mouse enters it
    const snapshots = [...panel.querySelectorAll(".jp-RenderedPlotly img.plot-img")].map((i) => {
      const r = i.getBoundingClientRect();
      return { shown: i.style.display !== "none" && i.naturalWidth > 0, natural: `${i.naturalWidth}x${i.naturalHeight}`, width: Math.round(r.width), height: Math.round(r.height) };
    });
    const plots = [...panel.querySelectorAll(".js-plotly-plot")].map((p) => {
      const svg = p.querySelector(".main-svg");
      const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const hmImages = [...p.querySelectorAll(".heatmaplayer .hm image")];
      const lines = [...p.querySelectorAll(".scatterlayer .trace path.js-line")];
      return {
        svgs: p.querySelectorAll(".main-svg").length,
        width: Math.round(r.width),
        height: Math.round(r.height),
        heatmaps: hmImages.filter((i) => (i.getAttribute("href") || i.getAttribute("xlink:href") || "").length > 100).length,
        bars: p.querySelectorAll(".barlayer .point path").length,
        linePoints: lines.reduce((n, l) => n + ((l.getAttribute("d") || "").match(/L/g) || []).length, 0),
        title: (p.querySelector(".gtitle") || {}).textContent || "",
        annotations: [...p.querySelectorAll(".annotation-text")].map((a) => a.textContent),
      };
    });
    return { outputs, stderr, plots, snapshots, renderers: panel.querySelectorAll(".jp-RenderedPlotly").length };
  });
}

/** One picture of the whole notebook, as a student scrolls through it: the notebook's scroll area is
 *  shot one screenful at a time and the pieces are stitched on a canvas (in a blank page). The window is
 *  NOT made taller: resizing it collapses the figures that are off screen (see notes at the end). */
async function screenshotNotebook(page, file) {
  phase = `taking ${file}`;
  const sel = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer";
  const scrollTo = (top) =>
    page.evaluate(([s, t]) => {
      const el = document.querySelector(s);
      el.scrollTop = t;
      const r = el.getBoundingClientRect();
      return { top: el.scrollTop, x: r.x, y: r.y, w: el.clientWidth, h: el.clientHeight, total: el.scrollHeight };
    }, [sel, top]);
  // screenfuls overlap by SEAM px, and each piece after the first is drawn without its top SEAM px
  // (the toolbar's shadow falls on the top of the scroll area)
  const SEAM = 12;
  const shots = [];
  let g = await scrollTo(0);
  for (let i = 0; i < 40; i++) {
    await sleep(400); // figures and markdown coming into view are painted
    const buf = await page.screenshot({ clip: { x: g.x, y: g.y, width: g.w, height: g.h } });
    shots.push({ y: g.top, b64: buf.toString("base64") });
    if (g.top + g.h >= g.total) break;
    const next = await scrollTo(g.top + g.h - SEAM);
    if (next.top <= g.top) break;
    g = next;
  }
  const width = Math.round(g.w);
  const height = Math.min(32000, Math.round(shots[shots.length - 1].y + g.h));
  const canvasPage = await page.context().newPage();
  try {
    const dataUrl = await canvasPage.evaluate(
      async ([w, h, pieces, seam]) => {
        const c = document.createElement("canvas");
        c.width = w;
        c.height = h;
        const ctx = c.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, w, h);
        pieces.forEach((p, i) => (p.cut = i === 0 ? 0 : seam));
        for (const p of pieces) {
          const img = new Image();
          img.src = `data:image/png;base64,${p.b64}`;
          await img.decode();
          ctx.drawImage(img, 0, p.cut, img.width, img.height - p.cut, 0, Math.round(p.y) + p.cut, img.width, img.height - p.cut);
        }
        return c.toDataURL("image/png");
      },
      [width, height, shots, SEAM]
    );
    fs.writeFileSync(path.join(out, file), Buffer.from(dataUrl.split(",")[1], "base64"));
  } finally {
    await canvasPage.close();
  }
  await scrollTo(0);
}

/** Figures scrolled out of view must keep their height when the window is resized (plotly's
 *  `responsive` config collapsed them to 0 px under JupyterLab's windowed notebook; lib/plot.ts no longer sets it). */
async function probeResize(page) {
  const heights = () =>
    page.evaluate(() => [...document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedPlotly")].map((o) => Math.round(o.getBoundingClientRect().height)));
  const before = await heights();
  await page.evaluate(() => (document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer").scrollTop = 0));
  await sleep(500);
  const vp = page.viewportSize();
  await page.setViewportSize({ width: vp.width, height: vp.height - 200 }); // a window made shorter
  await sleep(1200);
  const after = await heights();
  await page.setViewportSize(vp); // the next resize brings them back
  await sleep(1200);
  const collapsed = after.filter((h, i) => h < 20 && before[i] >= 20).length;
  check("figures keep their height after a window resize while scrolled out of view", collapsed === 0 && before.length > 0,
    `heights ${before.join(",")} -> ${after.join(",")}`);
}

async function screenshotPlots(page, prefix) {
  const plots = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot");
  const n = await plots.count();
  for (let i = 0; i < n; i++) {
    await plots.nth(i).scrollIntoViewIfNeeded();
    await sleep(300);
    await plots.nth(i).screenshot({ path: path.join(out, `${prefix}-plot${i + 1}.png`) });
  }
}

async function saveNotebook(page, name) {
  phase = `saving ${name}`;
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first().click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press("Escape"); // command mode
  await page.keyboard.press("Control+s");
  await waitFor(`${name} to be saved`, async () => {
    await acceptKernelDialog(page); // nothing expected; a "save as" or overwrite dialog would be accepted
    const dirty = await page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count();
    if (dirty) return false;
    const r = await api("GET", `/api/contents/${encodeURIComponent(name)}?content=1`);
    return r.status === 200 && JSON.stringify(r.body.content).includes("application/vnd.plotly.v1+json");
  }, 30000);
}

// ------------------------------------------------------------------ the test

const firstCellText = (o) => o.outputs[0] || "";
const errorsIn = (o) => o.stderr.filter((t) => /Error/.test(t));
const describePlots = (o) => o.plots.map((p, i) => `#${i + 1} ${p.width}x${p.height} svg×${p.svgs} heatmaps ${p.heatmaps} bars ${p.bars} line points ${p.linePoints}`).join("; ");

async function main() {
  const { chromium } = require("playwright-core");
  if (!fs.existsSync(jupyter)) throw new Error(`${jupyter} is missing: run npm run setup`);
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (Debian: apt-get install chromium; or set CHROMIUM)`);
  fs.mkdirSync(out, { recursive: true });
  prepareWorkDir();
  if (!process.env.LECTURE3_DATA_MIRROR) info("LECTURE3_DATA_MIRROR is not set: MNIST comes from the cache datasets/mnist (or is downloaded)");

  console.log(`starting JupyterLab (${path.relative(root, work)}) ...`);
  phase = "starting JupyterLab";
  await startServer();
  check("JupyterLab answers on 127.0.0.1 with a token", true);
  const refused = await new Promise((resolve) => {
    http.get({ host: "127.0.0.1", port: server.port, path: "/api/contents" }, (res) => {
      res.resume();
      resolve(res.statusCode === 403 || res.statusCode === 401 ? true : `answered ${res.statusCode}`);
    }).on("error", (e) => resolve(String(e)));
  });
  check("the API refuses requests without the token", refused === true, `GET /api/contents without a token: ${refused}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: process.env.BROWSER_TEST_HEADED !== "1",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=ja-JP"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1, serviceWorkers: "block" });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    blocked.add(u);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("websocket", (ws) => {
    if (!allowed(ws.url().replace(/^ws/, "http"))) blocked.add(ws.url());
  });
  page.on("pageerror", (e) => pageErrors.push(String(e && e.message ? e.message : e)));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });

  // ---- 01: run all, outputs, one bar chart
  const wantBackend = process.env.TFJS_BACKEND && !["auto", "tensorflow"].includes(process.env.TFJS_BACKEND) ? process.env.TFJS_BACKEND : "tensorflow";
  console.log(`\n=== ${NB1} (${secs()})`);
  await openNotebook(page, NB1);
  const r1 = await runAll(page, NB1, 120000);
  info(`ran in ${r1.seconds.toFixed(0)} s, prompts ${r1.prompts.join(" ")}`);
  check(`${NB1}: every code cell ran`, r1.numbered === r1.prompts.length && r1.prompts.length > 0, `prompts ${r1.prompts.join(" ")}`);
  await waitFor(`${NB1}'s plot`, async () => (await readOutputs(page)).plots.some((p) => p.svgs > 0), 30000).catch(() => {});
  const o1 = await readOutputs(page);
  check(`${NB1}: no error output`, errorsIn(o1).length === 0, errorsIn(o1).join("\n---\n").slice(0, 1500));
  check(`${NB1}: first output says "backend: ${wantBackend}"`, firstCellText(o1).includes(`backend: ${wantBackend}`), JSON.stringify(firstCellText(o1).slice(0, 300)));
  const topk = o1.outputs.join("\n").match(/トップ5 正解率 = ([\d.]+)/);
  check(`${NB1}: prints the top-5 accuracy`, topk, "no 'トップ5 正解率 = …' line");
  if (topk) info(`tf.topk: トップ5 正解率 = ${topk[1]}`);
  info(`plots: ${describePlots(o1)}`);
  const bar1 = o1.plots.filter((p) => p.svgs > 0 && p.width > 100 && p.height > 100);
  check(`${NB1}: plotly SVG drawn (≥ 1 figure)`, bar1.length >= 1, `found ${o1.plots.length} .js-plotly-plot, ${describePlots(o1) || "none"}`);
  check(`${NB1}: the bar chart has its 7 bars`, o1.plots.some((p) => p.bars >= 7), describePlots(o1) || "no plot");
  await screenshotNotebook(page, "01_imagenet.png");
  await screenshotPlots(page, "01_imagenet");

  // ---- 01 saved, closed, reopened without running: the figure comes back from the file
  await saveNotebook(page, NB1)
    .then(() => check(`${NB1}: saved from the UI (the file holds the plotly output)`, true))
    .catch((e) => check(`${NB1}: saved from the UI (the file holds the plotly output)`, false, e.message));
  await shutdownKernels();
  await openNotebook(page, NB1);
  const name = `${NB1}: reopened without running, the saved figure shows (plotly's PNG snapshot)`;
  const reopened = await waitFor(`${NB1}'s saved figure after reopening`, async () => {
    const o = await readOutputs(page);
    return o.snapshots.some((i) => i.shown && i.width > 100 && i.height > 100) || o.plots.some((p) => p.svgs > 0 && p.width > 100) ? o : null;
  }, 30000).catch((e) => e);
  if (reopened instanceof Error) {
    const o = await readOutputs(page);
    check(name, false, `${reopened.message}; plotly outputs ${o.renderers}, snapshots ${JSON.stringify(o.snapshots)}`);
  } else {
    const st1 = await notebookState(page);
    check(`${NB1}: reopened, nothing runs and the outputs are back`, st1.running === 0 && firstCellText(reopened).includes("backend: "), `prompts ${st1.prompts.join(" ")}; first output ${JSON.stringify(firstCellText(reopened).slice(0, 100))}`);
    check(name, true);
    info(`snapshots: ${JSON.stringify(reopened.snapshots)}`);
    // the mouse on the snapshot: the interactive SVG figure is drawn from the saved JSON
    const target = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedPlotly").first();
    await target.scrollIntoViewIfNeeded();
    await sleep(300);
    await target.screenshot({ path: path.join(out, "01_imagenet-reopened-snapshot.png") });
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const svg = await waitFor(`the SVG figure after moving the mouse onto the snapshot`, async () => {
      const o = await readOutputs(page);
      return o.plots.some((p) => p.bars >= 7 && p.width > 100) ? o : null;
    }, 20000).catch((e) => e);
    check(`${NB1}: reopened, the plotly SVG renders from the saved output (7 bars)`, !(svg instanceof Error), svg instanceof Error ? svg.message : "");
    await page.mouse.move(5, 5);
  }
  await screenshotNotebook(page, "01_imagenet-reopened.png");
  await shutdownKernels();

  // ---- 02: MNIST MLP, 3 epochs
  console.log(`\n=== ${NB2} (${secs()})`);
  await openNotebook(page, NB2);
  const r2 = await runAll(page, NB2, Math.min(300000, left() - 30000));
  info(`ran in ${r2.seconds.toFixed(0)} s, prompts ${r2.prompts.join(" ")}`);
  check(`${NB2}: every code cell ran`, r2.numbered === r2.prompts.length && r2.prompts.length > 0, `prompts ${r2.prompts.join(" ")}`);
  await waitFor(`${NB2}'s 3 plots`, async () => (await readOutputs(page)).plots.filter((p) => p.svgs > 0).length >= 3, 30000).catch(() => {});
  const o2 = await readOutputs(page);
  check(`${NB2}: no error output`, errorsIn(o2).length === 0, errorsIn(o2).join("\n---\n").slice(0, 1500));
  check(`${NB2}: first output says "backend: ${wantBackend}"`, firstCellText(o2).includes(`backend: ${wantBackend}`), JSON.stringify(firstCellText(o2).slice(0, 300)));
  const acc = o2.outputs.join("\n").match(/accuracy = (0\.\d+) \((\d+) \/ 10000\)/);
  check(`${NB2}: prints "accuracy = 0.… (… / 10000)"`, acc, "no such line; outputs:\n" + o2.outputs.join("\n").slice(-600));
  if (acc) info(`accuracy = ${acc[1]} (${acc[2]} / 10000)`);
  info(`plots: ${describePlots(o2)}`);
  const drawn2 = o2.plots.filter((p) => p.svgs > 0 && p.width > 100 && p.height > 100);
  check(`${NB2}: plotly SVG drawn (≥ 3 figures)`, drawn2.length >= 3, `found ${drawn2.length}: ${describePlots(o2) || "none"}`);
  check(`${NB2}: the training images grid shows 16 images`, o2.plots[0] && o2.plots[0].heatmaps >= 16, describePlots(o2) || "no plot");
  check(`${NB2}: the loss curve is drawn`, o2.plots.some((p) => p.linePoints >= 10), describePlots(o2) || "no plot");
  const last = o2.plots[o2.plots.length - 1];
  check(`${NB2}: the predictions grid shows 24 images titled 正解 / 予測`, last && last.heatmaps >= 24 && last.annotations.filter((a) => a.includes("予測")).length >= 24, last ? `heatmaps ${last.heatmaps}, titles ${last.annotations.slice(0, 3).join(" | ")}` : "no plot");
  await screenshotNotebook(page, "02_mnist_mlp.png");
  await screenshotPlots(page, "02_mnist_mlp");
  await probeResize(page);
  await shutdownKernels();

  check("no request left 127.0.0.1 (plots work offline)", blocked.size === 0, [...blocked].slice(0, 10).join("\n"));
  if (pageErrors.length) info(`page errors / console errors (not counted): ${[...new Set(pageErrors)].slice(0, 8).join(" | ").slice(0, 1500)}`);
}

let browser = null;
async function cleanup() {
  if (browser) await Promise.race([browser.close().catch(() => {}), sleep(10000)]);
  browser = null;
  await stopServer();
}

const watchdog = setTimeout(async () => {
  check("finished within the time limit", false, `still running after ${limitMs / 1000} s (BROWSER_TEST_TIMEOUT_S), while ${phase}; JupyterLab log: ${path.relative(root, server.log)}`);
  aborted = true;
  await Promise.race([cleanup(), sleep(20000)]);
  finish(1);
  process.exit(1);
}, limitMs);

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    check("not interrupted", false, sig);
    aborted = true;
    await Promise.race([cleanup(), sleep(20000)]);
    finish(1);
    process.exit(1);
  });
}

main()
  .catch((e) => check("browser test ran to the end", false, e instanceof Timeout ? e.message : e && e.stack ? e.stack : String(e)))
  .finally(async () => {
    clearTimeout(watchdog);
    await cleanup();
    console.log(`(${secs()}; screenshots in ${path.relative(root, out)}/)`);
    finish();
  });
