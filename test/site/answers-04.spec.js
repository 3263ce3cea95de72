// The students' 04 in the site with the solutions' answers written into its answer cells, as a student who has
// solved every exercise has it: the site's own 04_mnist_conv.ipynb is opened, each answer cell (nbgrader grade_id
// exN_answer) gets the solution's answer (notebooks/solutions/04_mnist_conv.ipynb's cell of the same grade_id, without
// its BEGIN/END SOLUTION lines, as test/nbgrader/autograde.py's correct submission), all cells run, and the tslab
// edition's checks of the solutions hold for what the browser computed (every check ✔, 8/8, edition "site").
// The notebook trains its CNN on 10,000 images there (WebAssembly: it says so) and the exercises as written.
// Slow: the longest test of the site's tier (docs/site.md, "Which notebooks run in the site", has its time).
"use strict";
const fs = require("fs");
const path = require("path");
const { test, expect } = require("@playwright/test");
const { guardOrigin, runWithChecks } = require("./page");

const root = path.resolve(__dirname, "..", "..");
const src = (cell) => [].concat(cell.source).join("");
const gradeId = (cell) => cell.metadata && cell.metadata.nbgrader && cell.metadata.nbgrader.grade_id;

/** The solutions' answer cells by grade_id, without their delimiter lines. */
function answers() {
  const nb = JSON.parse(fs.readFileSync(path.join(root, "notebooks", "solutions", "04_mnist_conv.ipynb"), "utf8"));
  const out = {};
  for (const c of nb.cells) {
    const id = gradeId(c);
    if (id && /^ex\d+_answer$/.test(id)) out[id] = src(c).split("\n").filter((l) => !/(BEGIN|END) SOLUTION/.test(l)).join("\n");
  }
  return out;
}

test("the students' 04_mnist_conv with the solutions' answers in its answer cells runs to the end in the site, every check ✔", async ({ page, context }) => {
  test.setTimeout(80 * 60 * 1000); // a hang guard: 24 min on a 2-core machine at a load of 8; CI runs it beside 4 other jobs
  const foreign = await guardOrigin(context);
  const solved = answers();
  expect(Object.keys(solved).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `ex${n}_answer`).sort());
  const prepare = async (page) => {
    const written = await page.evaluate((solved) => {
      const model = window.jupyterapp.shell.currentWidget.content.model;
      const done = [];
      for (let i = 0; i < model.cells.length; i++) {
        const cell = model.cells.get(i);
        const nbgrader = cell.getMetadata("nbgrader");
        const id = nbgrader && nbgrader.grade_id;
        if (id && id in solved) {
          cell.sharedModel.setSource(solved[id]);
          done.push(id);
        }
      }
      return done;
    }, solved);
    expect(written.sort()).toEqual(Object.keys(solved).sort()); // every answer cell of the site's notebook was found once
  };
  await runWithChecks(page, "04_mnist_conv.ipynb", { checks: "solutions/04_mnist_conv.ipynb", artifact: "04_answers.ipynb", timeoutMs: 75 * 60 * 1000, prepare });
  expect(foreign).toEqual([]);
});
