// What the browser tests share: the JupyterLab that server.js started (its REST API, its kernels), the `test` whose
// page can reach nothing but that server, `check` (one counted check), and what a student does in JupyterLab: open
// a notebook, run all, run one cell, type into a cell, interrupt, restart, save, read the outputs and figures,
// take screenshots.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const base = require("@playwright/test");

const root = path.resolve(__dirname, "..", "..");
const out = path.join(root, "artifacts", "browser");
const work = path.join(out, "notebooks"); // the server's root

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** { base, port, token, runtime } of the JupyterLab that server.js started. */
function server() {
  if (!process.env.LECTURE3_LAB) throw new Error("no JupyterLab: run the browser test with `npx playwright test` (playwright.config.js starts one)");
  return JSON.parse(process.env.LECTURE3_LAB);
}

const enc = (name) => name.split("/").map(encodeURIComponent).join("/");

/** A request to the Jupyter server's REST API (with the token unless `token` is false); resolves { status, body }. */
function api(method, pathname, { token = true } = {}) {
  const s = server();
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `token ${s.token}` } : {};
    const req = http.request({ host: "127.0.0.1", port: s.port, path: pathname, method, headers, timeout: 10000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => {
        let body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, body });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${pathname}: no answer in 10 s`)));
    req.on("error", reject);
    req.end();
  });
}

/** The notebook as the server has it (what was saved). */
async function savedNotebook(name) {
  const r = await api("GET", `/api/contents/${enc(name)}?content=1`);
  if (r.status !== 200) throw new Error(`GET ${name}: ${r.status}`);
  return r.body.content;
}

/** Pids of the kernels this server started: their command line names its runtime folder. */
function kernelPids() {
  const runtime = server().runtime;
  return fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(runtime);
    } catch {
      return false; // gone
    }
  });
}

/** CPU seconds used so far by this server's kernels (from /proc), to tell whether a kernel still computes. */
function kernelCpuSeconds() {
  return kernelPids().reduce((sum, pid) => {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return sum + (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
    } catch {
      return sum;
    }
  }, 0);
}

async function shutdownKernels() {
  const r = await api("GET", "/api/sessions").catch(() => ({ body: [] }));
  for (const s of r.body || []) await api("DELETE", `/api/sessions/${s.id}`).catch(() => {});
}

async function kernelState(name) {
  const r = await api("GET", "/api/sessions");
  const s = (r.body || []).find((x) => x.path === name || x.path.endsWith(`/${name}`));
  return s && s.kernel ? s.kernel.execution_state : null;
}

/**
 * Puts a notebook into the server's root as `to`: `from` (a path under the repository) with its outputs stripped,
 * so that what a test counts comes from its own run, or as it is with `{ keepOutputs: true }`; `edit(doc)` may
 * change it first. From there "lecture3" still resolves (node walks up to <repo>/node_modules) and the library
 * finds the project's data cache itself.
 */
function copyNotebook(from, to, { keepOutputs = false, edit } = {}) {
  const doc = JSON.parse(fs.readFileSync(path.join(root, from), "utf8"));
  if (!keepOutputs) {
    for (const cell of doc.cells.filter((c) => c.cell_type === "code")) {
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  if (edit) edit(doc);
  fs.mkdirSync(path.dirname(path.join(work, to)), { recursive: true });
  fs.writeFileSync(path.join(work, to), JSON.stringify(doc, null, 1) + "\n");
  return doc;
}

// ------------------------------------------------------------------ the test, its checks, waiting

/** Hosts a page may reach: JupyterLab itself, and data:, blob:, about: URLs. */
function allowed(u) {
  let url;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (["data:", "blob:", "about:"].includes(url.protocol)) return true;
  return url.hostname === "127.0.0.1" && String(url.port) === String(server().port);
}

/**
 * One check: a step of its own in the report (count-reporter.js counts them), failing the test when `ok` is
 * false, with `detail` saying what was found; the test goes on to its next checks.
 */
const check = (name, ok, detail = "") =>
  base.test.step(name, async () => {
    base.expect.soft(!!ok, `${name}: ${String(detail).slice(0, 3000)}`).toBe(true);
  });

/**
 * `test` whose page can reach JupyterLab and nothing else: every other request is blocked, and the test ends with
 * the check that there was none (the figures must work offline). Page errors are printed, not counted; the
 * kernels are shut down after each test.
 */
const test = base.test.extend({
  page: async ({ page }, use) => {
    const blocked = new Set();
    await page.context().route("**/*", (route) => {
      if (allowed(route.request().url())) return route.continue();
      blocked.add(route.request().url());
      return route.abort("blockedbyclient");
    });
    page.on("websocket", (ws) => allowed(ws.url().replace(/^ws/, "http")) || blocked.add(ws.url()));
    const errors = new Set();
    page.on("pageerror", (e) => errors.add(String(e && e.message ? e.message : e)));
    page.on("console", (m) => m.type() === "error" && errors.add(`console: ${m.text()}`));
    await use(page);
    if (errors.size) console.log(`page errors (not counted): ${[...errors].slice(0, 8).join(" | ").slice(0, 1500)}`);
    const news = await page.evaluate(() => /Jupyter news|Would you like to (get|receive) official Jupyter news/i.test(document.body.innerText)).catch(() => false);
    await check("no news pop-up (the project's JupyterLab settings)", !news, "a news notification is on screen");
    await check("no request left 127.0.0.1 (plots work offline)", blocked.size === 0, [...blocked].slice(0, 10).join("\n"));
    await shutdownKernels();
  },
});

/** Polls `fn` until it returns a truthy value, and returns that; fails the test, naming `what`, after `timeout` ms. */
async function until(what, fn, timeout, interval = 500) {
  let value;
  await base.expect.poll(async () => (value = await fn().catch(() => null)), { message: `waiting for ${what}`, timeout, intervals: [interval] }).toBeTruthy();
  return value;
}

// ------------------------------------------------------------------ a notebook in JupyterLab

const PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)";

/** The open notebook's state, read from the DOM. */
function notebookState(page) {
  return page.evaluate((sel) => {
    const panel = document.querySelector(sel);
    if (!panel) return null;
    const prompts = [...panel.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")].map((p) => p.textContent.trim());
    const ind = panel.querySelector(".jp-Notebook-ExecutionIndicator");
    return {
      prompts,
      cells: panel.querySelectorAll(".jp-Cell").length,
      running: prompts.filter((p) => p.includes("*")).length,
      numbered: prompts.filter((p) => /\[\d+\]/.test(p)).length,
      indicator: ind ? ind.getAttribute("data-status") : null,
    };
  }, PANEL);
}

/** Accepts a kernel-selection dialog, should JupyterLab show one, choosing "TypeScript". */
async function acceptKernelDialog(page) {
  const dialog = page.locator(".jp-Dialog");
  if ((await dialog.count()) === 0) return false;
  const select = dialog.locator("select");
  if ((await select.count()) > 0) {
    const ts = (await select.first().locator("option").allTextContents()).find((o) => /TypeScript/i.test(o));
    if (ts) await select.first().selectOption({ label: ts });
  }
  await dialog.locator(".jp-Dialog-button.jp-mod-accept").first().click();
  return true;
}

/**
 * Opens `name` (a path under the server's root) in a fresh workspace and waits for its kernel to be idle; with
 * `{ kernel: false }` for a notebook without a kernelspec, which opens without a kernel.
 */
async function openNotebook(page, name, { kernel = true } = {}) {
  const s = server();
  // ?reset: a fresh workspace, so only this notebook is open
  await page.goto(`${s.base}/lab/tree/${enc(name)}?reset&token=${s.token}`, { waitUntil: "domcontentloaded", timeout: 60000 });
  await until(`${name} to open`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    const tab = await page.locator(".lm-TabBar-tab.jp-mod-current .lm-TabBar-tabLabel").allTextContents();
    return st && st.cells > 0 && tab.some((t) => t.includes(path.basename(name)));
  }, 90000);
  if (!kernel) return;
  await until(`${name}'s kernel to start and be idle`, async () => {
    await acceptKernelDialog(page);
    const st = await notebookState(page);
    return (await kernelState(name)) === "idle" && st && st.indicator !== "busy";
  }, 90000);
}

/** Clicks a menu entry, e.g. menu(page, "Kernel", "Interrupt Kernel"). */
async function menu(page, top, item) {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel", { hasText: new RegExp(`^${item}`) }).first().click();
}

/** Run > Run All Cells; resolves when the kernel is idle and no cell shows [*]. */
async function runAll(page, name, timeout) {
  await menu(page, "Run", "Run All Cells$");
  const t0 = Date.now();
  let idleSince = 0;
  const st = await until(`${name} to finish running (kernel idle, no cell [*])`, async () => {
    await acceptKernelDialog(page);
    const s = await notebookState(page);
    const quiet = (s.numbered > 0 || s.running > 0) && s.running === 0 && (await kernelState(name)) === "idle";
    if (!quiet) idleSince = 0;
    else if (!idleSince) idleSince = Date.now();
    // idle for 2 s, or at once when every code cell has its number
    return quiet && (s.numbered === s.prompts.length || Date.now() - idleSince > 2000) ? s : null;
  }, timeout);
  return { ...st, seconds: (Date.now() - t0) / 1000 };
}

/** What the open notebook shows: output text per code cell, stderr/error text, and the plotly figures. */
function readOutputs(page) {
  return page.evaluate((sel) => {
    const panel = document.querySelector(sel);
    const code = [...panel.querySelectorAll(".jp-CodeCell")];
    // textContent, not innerText: cells off screen are skipped by content-visibility and have no innerText
    const outputs = code.map((c) => [...c.querySelectorAll(".jp-OutputArea-output")].map((o) => o.textContent).join("\n"));
    const errors = [...panel.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')].map((e) => e.textContent).filter((t) => /Error/.test(t));
    // jupyterlab-plotly stores a PNG snapshot in the output after drawing; a reopened notebook shows that
    // <img class="plot-img"> and builds the interactive SVG figure when the mouse enters it
    const snapshots = [...panel.querySelectorAll(".jp-RenderedPlotly img.plot-img")].map((i) => {
      const r = i.getBoundingClientRect();
      return { shown: i.style.display !== "none" && i.naturalWidth > 0, width: Math.round(r.width), height: Math.round(r.height) };
    });
    const plots = [...panel.querySelectorAll(".js-plotly-plot")].map((p) => {
      const svg = p.querySelector(".main-svg");
      const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const lines = [...p.querySelectorAll(".scatterlayer .trace path.js-line")];
      return {
        svgs: p.querySelectorAll(".main-svg").length,
        width: Math.round(r.width),
        height: Math.round(r.height),
        heatmaps: [...p.querySelectorAll(".heatmaplayer .hm image")].filter((i) => (i.getAttribute("href") || i.getAttribute("xlink:href") || "").length > 100).length,
        bars: p.querySelectorAll(".barlayer .point path").length,
        linePoints: lines.reduce((n, l) => n + ((l.getAttribute("d") || "").match(/L/g) || []).length, 0),
        annotations: [...p.querySelectorAll(".annotation-text")].map((a) => a.textContent),
      };
    });
    return { outputs, errors, plots, snapshots, renderers: panel.querySelectorAll(".jp-RenderedPlotly").length };
  }, PANEL);
}

const drawn = (p) => p.svgs > 0 && p.width > 100 && p.height > 100;
const describePlots = (o) => o.plots.map((p, i) => `#${i + 1} ${p.width}x${p.height} svg×${p.svgs} heatmaps ${p.heatmaps} bars ${p.bars} line points ${p.linePoints}`).join("; ") || "none";

/**
 * Whether Japanese text on screen is drawn with real glyphs: for the first markdown heading and the first figure
 * text that hold two kana or kanji or more, two of their characters are drawn in the element's font on a canvas; without a
 * Japanese font both come out as the same empty box, as a private-use character does.
 */
function japaneseGlyphs(page) {
  return page.evaluate((sel) => {
    const panel = document.querySelector(sel);
    const jp = (t) => [...new Set([...t].filter((ch) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(ch)))];
    const pixels = (ch, font) => {
      const c = document.createElement("canvas");
      c.width = c.height = 48;
      const ctx = c.getContext("2d");
      ctx.font = `32px ${font}`;
      ctx.textBaseline = "top";
      ctx.fillText(ch, 4, 4);
      return ctx.getImageData(0, 0, 48, 48).data.join(",");
    };
    const probe = (el) => {
      if (!el) return { text: null, ok: false };
      const text = el.textContent.trim();
      const [a, b] = jp(text);
      const font = getComputedStyle(el).fontFamily;
      const box = pixels("\ue000", font);
      return { text: text.slice(0, 60), font, ok: !!b && pixels(a, font) !== pixels(b, font) && pixels(a, font) !== box && pixels(b, font) !== box };
    };
    const first = (q) => [...panel.querySelectorAll(q)].find((e) => jp(e.textContent).length >= 2);
    return { markdown: probe(first(".jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2, .jp-RenderedMarkdown p")), figure: probe(first(".js-plotly-plot text")) };
  }, PANEL);
}

// ------------------------------------------------------------------ screenshots, saving

/** One picture of the whole notebook, as a student scrolls through it: the notebook's scroll area is
 *  shot one screenful at a time and the pieces are stitched on a canvas (in a blank page). The window is
 *  NOT made taller: resizing it collapses the figures that are off screen. */
async function screenshotNotebook(page, file) {
  const sel = `${PANEL} .jp-WindowedPanel-outer`;
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
    const dataUrl = await canvasPage.evaluate(async ([w, h, pieces, seam]) => {
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const ctx = c.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, w, h);
      for (const [i, p] of pieces.entries()) {
        const cut = i === 0 ? 0 : seam;
        const img = new Image();
        img.src = `data:image/png;base64,${p.b64}`;
        await img.decode();
        ctx.drawImage(img, 0, cut, img.width, img.height - cut, 0, Math.round(p.y) + cut, img.width, img.height - cut);
      }
      return c.toDataURL("image/png");
    }, [width, height, shots, SEAM]);
    fs.writeFileSync(path.join(out, file), Buffer.from(dataUrl.split(",")[1], "base64"));
  } finally {
    await canvasPage.close();
  }
  await scrollTo(0);
}

async function screenshotPlots(page, prefix) {
  const plots = page.locator(`${PANEL} .js-plotly-plot`);
  const n = await plots.count();
  for (let i = 0; i < n; i++) {
    await plots.nth(i).scrollIntoViewIfNeeded();
    await sleep(300);
    await plots.nth(i).screenshot({ path: path.join(out, `${prefix}-plot${i + 1}.png`) });
  }
}

/** Ctrl+S; resolves when the tab is clean and the file on the server holds a plotly output. */
async function saveNotebook(page, name) {
  await page.locator(`${PANEL} .jp-Notebook`).first().click({ position: { x: 5, y: 5 } }).catch(() => {});
  await page.keyboard.press("Escape"); // command mode
  await page.keyboard.press("Control+s");
  await until(`${name} to be saved`, async () => {
    await acceptKernelDialog(page); // nothing expected; a "save as" or overwrite dialog would be accepted
    if (await page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count()) return false;
    return JSON.stringify(await savedNotebook(name)).includes("application/vnd.plotly.v1+json");
  }, 30000);
}

// ------------------------------------------------------------------ one cell at a time

/** The code cells of the open notebook as locators; i counts code cells only. */
const codeCell = (page, i) => page.locator(`${PANEL} .jp-CodeCell`).nth(i);

/**
 * Index (among code cells) of the first code cell of `name` whose source matches `re`, read from the notebook file as
 * the server has it (JupyterLab creates a cell's editor only when it comes into view, so the page may not hold it yet).
 */
async function findCodeCell(name, re) {
  const sources = (await savedNotebook(name)).cells.filter((c) => c.cell_type === "code").map((c) => [].concat(c.source).join(""));
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

/** The text of code cell i's outputs, its stderr part, and how many outputs it has. */
function cellOutput(page, i) {
  return codeCell(page, i).evaluate((c) => ({
    text: [...c.querySelectorAll(".jp-OutputArea-output")].map((o) => o.textContent).join("\n"),
    stderr: [...c.querySelectorAll('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')].map((e) => e.textContent).join("\n"),
    outputs: c.querySelectorAll(".jp-OutputArea-child").length,
  }));
}

/** Runs code cell i with Ctrl+Enter, as a student does; resolves when its prompt has a new number (not [*]). */
async function runCell(page, i, timeout = 60000) {
  await selectCell(page, i);
  const before = await promptOf(page, i);
  await page.keyboard.press("Control+Enter");
  await until(`code cell ${i} to finish`, async () => {
    const p = await promptOf(page, i);
    return /\[\d+\]/.test(p) && p !== before && !p.includes("*");
  }, timeout, 250);
}

/** Starts code cell i without waiting for it to finish. */
async function startCell(page, i) {
  await selectCell(page, i);
  await page.keyboard.press("Control+Enter");
  await until(`code cell ${i} to start`, async () => (await promptOf(page, i)).includes("*"), 10000, 100);
}

/** Replaces the source of code cell i by typing (select all in its editor, then the new text). */
async function setCellText(page, i, text) {
  const cell = codeCell(page, i);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text); // no auto-closing brackets or auto-indent: the text lands as written
  await page.keyboard.press("Escape");
}

/** Kernel > Restart Kernel…, accepting the dialog; resolves when the new kernel is idle. */
async function restartKernel(page, name) {
  await menu(page, "Kernel", "Restart Kernel");
  await until("the restart dialog", async () => (await page.locator(".jp-Dialog .jp-mod-accept").count()) > 0, 10000, 200);
  await page.locator(".jp-Dialog .jp-mod-accept").first().click();
  await sleep(1500);
  await until(`${name}'s restarted kernel to be idle`, async () => (await kernelState(name)) === "idle", 60000);
}

module.exports = {
  root, out, work, PANEL, sleep, api, savedNotebook, kernelPids, kernelCpuSeconds, shutdownKernels, copyNotebook,
  test, check, until, notebookState, openNotebook, menu, runAll, readOutputs, drawn, describePlots, japaneseGlyphs,
  screenshotNotebook, screenshotPlots, saveNotebook, codeCell, findCodeCell, cellOutput, promptOf, runCell, startCell,
  setCellText, restartKernel,
};
