// The harness of the real-browser tests (scripts/browser-test.js): JupyterLab from .venv on 127.0.0.1 with a
// random port and token and folders of its own, headless chromium through playwright-core with every request
// to another host blocked, the results ("browser: N passed, M failed"), a time limit, and what a student does
// in JupyterLab: open a notebook, run all, run one cell, type into a cell, interrupt, restart, save, read the
// outputs and figures, take screenshots.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const net = require("net");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const out = path.join(root, "artifacts", "browser");
const work = path.join(out, "notebooks");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const limitMs = 1000 * Number(process.env.BROWSER_TEST_TIMEOUT_S || 900);
const t00 = Date.now();
const deadline = t00 + limitMs;

// ------------------------------------------------------------------ results

const results = [];
/** phase: what the test is doing (named when the time limit strikes); aborted: the limit struck, later failures are its consequence */
const state = { phase: "starting", aborted: false, notebook: "" };
function check(name, ok, detail = "") {
  if (state.aborted) return;
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

/**
 * Copies notebooks (outputs stripped) into the server's root `work`: `copies` is a list of
 * { from: path under notebooks/, to: path under work, edit?: (doc) => void }. From there "lecture3" still
 * resolves (node walks up to <repo>/node_modules) and the library finds the project's data cache itself.
 */
function prepareWorkDir(copies) {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const c of copies) {
    const doc = JSON.parse(fs.readFileSync(path.join(root, "notebooks", c.from), "utf8"));
    for (const cell of doc.cells) {
      if (cell.cell_type !== "code") continue;
      cell.outputs = []; // what we count must come from this run
      cell.execution_count = null;
    }
    if (c.edit) c.edit(doc);
    fs.mkdirSync(path.dirname(path.join(work, c.to)), { recursive: true });
    fs.writeFileSync(path.join(work, c.to), JSON.stringify(doc, null, 1) + "\n");
  }
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
  // written), and the runtime folder names this run's kernels.
  server.jupyterDir = fs.mkdtempSync(path.join(out, "jupyter-"));
  const dir = (n) => {
    const d = path.join(server.jupyterDir, n);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  // no settings of its own: the project's (.venv/share/jupyter/lab/settings/overrides.json, from setup.sh) must
  // keep the news pop-up away, as in `npm run lab`
  const settings = dir("user-settings");
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
  state.phase = `opening ${name}`;
  state.notebook = name;
  // ?reset: a fresh workspace, so only this notebook is open
  await page.goto(`${server.base}/lab/tree/${name.split("/").map(encodeURIComponent).join("/")}?reset&token=${server.token}`, { waitUntil: "domcontentloaded", timeout: Math.min(60000, left()) });
  await waitFor(`${name} to open`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    const tab = await page.locator(`.lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel`).allTextContents();
    return st && st.cells > 0 && tab.some((t) => t.includes(path.basename(name)));
  }, 90000);
  await waitFor(`${name}'s kernel to start and be idle`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    return (await kernelState(name)) === "idle" && st && st.indicator !== "busy";
  }, 90000);
}

async function runAll(page, name, ms) {
  state.phase = `running all cells of ${name}`;
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
  state.phase = `taking ${file}`;
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
  state.phase = `saving ${name}`;
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first().click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press("Escape"); // command mode
  await page.keyboard.press("Control+s");
  await waitFor(`${name} to be saved`, async () => {
    await acceptKernelDialog(page); // nothing expected; a "save as" or overwrite dialog would be accepted
    const dirty = await page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count();
    if (dirty) return false;
    const r = await api("GET", `/api/contents/${name.split("/").map(encodeURIComponent).join("/")}?content=1`);
    return r.status === 200 && JSON.stringify(r.body.content).includes("application/vnd.plotly.v1+json");
  }, 30000);
}

// ------------------------------------------------------------------ what a student does, one cell at a time

const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

/** The code cells of the open notebook as locators; i counts code cells only. */
const codeCell = (page, i) => page.locator(`${PANEL} .jp-CodeCell`).nth(i);

/**
 * Index (among code cells) of the first code cell whose source matches `re`, read from the notebook file as the
 * server has it (JupyterLab creates a cell's editor only when it comes into view, so the page may not hold it yet).
 */
async function findCodeCell(page, re) {
  const name = state.notebook;
  const r = await api("GET", `/api/contents/${name.split("/").map(encodeURIComponent).join("/")}?content=1`);
  if (r.status !== 200) throw new Error(`GET ${name}: ${r.status}`);
  const sources = r.body.content.cells.filter((c) => c.cell_type === "code").map((c) => [].concat(c.source).join(""));
  const i = sources.findIndex((s) => re.test(s));
  if (i < 0) throw new Error(`no code cell of ${name} matches ${re}`);
  return i;
}

/** Selects code cell i (command mode), scrolled into view. */
async function selectCell(page, i) {
  const cell = codeCell(page, i);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".jp-InputPrompt").click();
  await page.keyboard.press("Escape");
}

/** The prompt of code cell i: "[ ]:", "[*]:" or "[12]:". */
const promptOf = (page, i) => codeCell(page, i).locator(".jp-InputPrompt").textContent().then((t) => t.trim());

/** The text of code cell i's outputs, and its stderr part. */
function cellOutput(page, i) {
  return codeCell(page, i).evaluate((c) => ({
    text: [...c.querySelectorAll(".jp-OutputArea-output")].map((o) => o.textContent).join("\n"),
    stderr: [...c.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')].map((e) => e.textContent).join("\n"),
    outputs: c.querySelectorAll(".jp-OutputArea-child").length,
  }));
}

/** Runs code cell i with Ctrl+Enter, as a student does; resolves when its prompt has a number again (not [*]). */
async function runCell(page, i, ms = 60000) {
  state.phase = `running code cell ${i}`;
  await selectCell(page, i);
  const before = await promptOf(page, i);
  await page.keyboard.press("Control+Enter");
  const t0 = Date.now();
  await waitFor(`code cell ${i} to finish`, async () => {
    const p = await promptOf(page, i);
    return /\[\d+\]/.test(p) && p !== before && !p.includes("*");
  }, ms, 250);
  return (Date.now() - t0) / 1000;
}

/** Starts code cell i without waiting for it. */
async function startCell(page, i) {
  state.phase = `starting code cell ${i}`;
  await selectCell(page, i);
  await page.keyboard.press("Control+Enter");
  await waitFor(`code cell ${i} to start`, async () => (await promptOf(page, i)).includes("*"), 10000, 100);
}

/** Replaces the source of code cell i by typing (select all in its editor, then the new text). */
async function setCellText(page, i, text) {
  state.phase = `typing into code cell ${i}`;
  const cell = codeCell(page, i);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  // insertText: no auto-closing brackets or auto-indent, the text lands as written
  await page.keyboard.insertText(text);
  await page.keyboard.press("Escape");
}

/** Clicks a menu entry, e.g. menu(page, "Kernel", "Interrupt Kernel"). */
async function menu(page, top, item) {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel", { hasText: new RegExp(`^${item}`) }).first().click();
}

/** Kernel > Restart Kernel…, accepting the dialog; resolves when the new kernel is idle. */
async function restartKernel(page, name) {
  state.phase = `restarting the kernel of ${name}`;
  const before = await api("GET", "/api/sessions").then((r) => (r.body || []).find((x) => x.path.endsWith(name))?.kernel?.id);
  await menu(page, "Kernel", "Restart Kernel");
  await waitFor("the restart dialog", async () => (await page.locator(".jp-Dialog .jp-mod-accept").count()) > 0, 10000, 200);
  await page.locator(".jp-Dialog .jp-mod-accept").first().click();
  await sleep(1500);
  await waitFor(`${name}'s restarted kernel to be idle`, async () => (await kernelState(name)) === "idle", 60000);
  return before;
}

/** CPU seconds used so far by this server's kernels (from /proc), to tell whether a kernel still computes. */
function kernelCpuSeconds() {
  const hz = 100;
  return ourKernelPids().reduce((sum, pid) => {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return sum + (Number(f[11]) + Number(f[12])) / hz; // utime + stime
    } catch {
      return sum;
    }
  }, 0);
}

// ------------------------------------------------------------------ the run

const context = { browser: null };

/** Headless chromium with every request off 127.0.0.1:port blocked; a page at 1400×1000. */
async function launch() {
  const { chromium } = require("playwright-core");
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (Debian: apt-get install chromium; or set CHROMIUM)`);
  context.browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: process.env.BROWSER_TEST_HEADED !== "1",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=ja-JP"],
  });
  const ctx = await context.browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1, serviceWorkers: "block" });
  await ctx.route("**/*", (route) => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    blocked.add(u);
    return route.abort("blockedbyclient");
  });
  const page = await ctx.newPage();
  page.on("websocket", (ws) => {
    if (!allowed(ws.url().replace(/^ws/, "http"))) blocked.add(ws.url());
  });
  page.on("pageerror", (e) => pageErrors.push(String(e && e.message ? e.message : e)));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });
  return page;
}

async function cleanup() {
  if (context.browser) await Promise.race([context.browser.close().catch(() => {}), sleep(10000)]);
  context.browser = null;
  await stopServer();
}

/** Runs `main` under the time limit and signals, cleans up, and prints the closing line. */
function run(main) {
  const watchdog = setTimeout(async () => {
    check("finished within the time limit", false, `still running after ${limitMs / 1000} s (BROWSER_TEST_TIMEOUT_S), while ${state.phase}; JupyterLab log: ${path.relative(root, server.log)}`);
    state.aborted = true;
    await Promise.race([cleanup(), sleep(20000)]);
    finish(1);
    process.exit(1);
  }, limitMs);
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, async () => {
      check("not interrupted", false, sig);
      state.aborted = true;
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
}

module.exports = {
  root, out, work, jupyter, state, blocked, pageErrors, server, PANEL,
  check, info, secs, sleep, left, waitFor, Timeout, api, prepareWorkDir, startServer, stopServer, shutdownKernels, ourKernelPids,
  notebookState, kernelState, openNotebook, runAll, readOutputs, screenshotNotebook, probeResize, screenshotPlots, saveNotebook,
  codeCell, findCodeCell, selectCell, promptOf, cellOutput, runCell, startCell, setCellText, menu, restartKernel, kernelCpuSeconds,
  launch, run,
};
