// Tab and Shift+Tab in a JupyterLab notebook, as a student presses them (issue 25 item 2, the page side of what
// test/kernel/protocol.py asks the kernel directly):
//   - Tab after `nn.` opens the completer and offers Conv2d; choosing it writes `nn.Conv2d` into the cell;
//   - Shift+Tab on `fit` opens the tooltip with fit's signature and its doc comment.
// The notebook is made here: one cell that imports from lecture3 (run first, as a student runs the notebook's first
// cell), and empty cells to type into. Screenshots: artifacts/browser/kernel-completion-*.png.
"use strict";
const fs = require("fs");
const path = require("path");
const lab = require("./lab");
const { test, check, until, sleep, codeCell, runCell } = lab;

const NB = "kernel-completion.ipynb";

function makeNotebook() {
  const cell = (source) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
  const doc = {
    cells: [cell('import { nn, fit } from "lecture3";'), cell(""), cell("")],
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.mkdirSync(lab.work, { recursive: true });
  fs.writeFileSync(path.join(lab.work, NB), JSON.stringify(doc, null, 1) + "\n");
}

/** Puts the cursor at the end of code cell i's (empty) editor and types `text` key by key, as a student does. */
async function typeInto(page, i, text) {
  const cell = codeCell(page, i);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type(text, { delay: 30 });
}

const cellText = (page, i) => codeCell(page, i).locator(".cm-content").textContent();

async function shot(page, file) {
  await sleep(300); // the popup is painted
  await page.screenshot({ path: path.join(lab.out, file) }).catch((e) => console.log(`screenshot ${file}: ${e.message}`));
}

test("the kernel in JupyterLab: Tab after nn. offers Conv2d, Shift+Tab on fit shows its documentation", async ({ page }) => {
  makeNotebook();
  await lab.openNotebook(page, NB);
  await runCell(page, 0, 120000);
  const imported = await lab.cellOutput(page, 0);
  await check("the import cell runs without an error", !imported.stderr, imported.stderr.slice(0, 500));

  // ---- Tab after `nn.`
  await typeInto(page, 1, "const layer = nn.");
  await page.keyboard.press("Tab");
  const completer = page.locator(".jp-Completer:not(.lm-mod-hidden)");
  const items = await until("the completer to list what nn holds", async () => {
    if ((await completer.count()) === 0) return null;
    const names = await completer.locator(".jp-Completer-item .jp-Completer-match").allTextContents();
    return names.length > 0 ? names.map((n) => n.trim()) : null;
  }, 60000, 250);
  console.log(`Tab after nn. offers ${items.length} names: ${items.slice(0, 20).join(", ")}${items.length > 20 ? ", …" : ""}`);
  await check("Tab after `nn.` opens the completer and offers Conv2d", items.includes("Conv2d"), items.join(", "));
  await check("the completer offers only what nn holds (Linear, Module beside Conv2d; not fit)", items.includes("Linear") && items.includes("Module") && !items.includes("fit"), items.join(", "));
  await shot(page, "kernel-completion-tab.png");
  await completer.locator(".jp-Completer-item", { has: page.locator(".jp-Completer-match", { hasText: /^Conv2d$/ }) }).first().click();
  const written = await until("Conv2d to be written into the cell", async () => ((await cellText(page, 1)).includes("nn.Conv2d") ? cellText(page, 1) : null), 10000, 200);
  await check("choosing Conv2d in the completer writes `nn.Conv2d` into the cell", /const layer = nn\.Conv2d\s*$/.test(written), JSON.stringify(written));
  await page.keyboard.press("Escape");

  // ---- Shift+Tab on `fit`
  await typeInto(page, 2, "await fit");
  await page.keyboard.press("Shift+Tab");
  const tooltip = page.locator(".jp-Tooltip");
  const doc = await until("the tooltip of fit", async () => ((await tooltip.count()) > 0 ? (await tooltip.first().textContent()) || null : null), 60000, 250);
  console.log(`Shift+Tab on fit shows: ${JSON.stringify(doc.slice(0, 300))}`);
  await check("Shift+Tab on `fit` shows its signature", /function fit\(model: Module/.test(doc), doc.slice(0, 500));
  await check("Shift+Tab on `fit` shows its documentation (the doc comment)", doc.includes("Trains for `epochs` epochs"), doc.slice(0, 500));
  await shot(page, "kernel-completion-shift-tab.png");
  await page.keyboard.press("Escape");
});

