#!/usr/bin/env node
// Makes the students' notebooks from the solutions: notebooks/solutions/X.ipynb → notebooks/X.ipynb.
// In the solution notebook:
//   - between "// ▼ 解答欄" and "// ▲ 解答欄ここまで" only the lines "//@student <code>" remain, as <code>
//     (the empty answer template; the check cell after it then reports 未解答);
//   - elsewhere, "//@student <code>" becomes <code>, and a line ending in "//@solution" or "<!-- @solution -->" is dropped.
// Outputs are cleared. `--check` only verifies that the committed students' notebooks are up to date.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const solDir = path.join(root, "notebooks", "solutions");
const STUDENT = /^(\s*)\/\/@student ?(.*)$/;
const SOLUTION_ONLY = /(\/\/@solution|<!-- @solution -->)\s*$/;
const BEGIN = /\/\/ ▼ 解答欄/;
const END = /\/\/ ▲ 解答欄ここまで/;

function studentLines(lines, code = true) {
  const out = [];
  let inAnswer = false;
  for (const line of lines) {
    const student = code && line.match(STUDENT);
    if (!code) {
      if (!SOLUTION_ONLY.test(line)) out.push(line);
    } else if (BEGIN.test(line)) {
      inAnswer = true;
      out.push(line);
    } else if (END.test(line)) {
      inAnswer = false;
      out.push(line);
    } else if (student) out.push(student[1] + student[2]);
    else if (!inAnswer && !SOLUTION_ONLY.test(line)) out.push(line);
  }
  if (inAnswer) throw new Error("a 解答欄 region is not closed");
  return out;
}

function toStudent(nb) {
  const copy = JSON.parse(JSON.stringify(nb));
  for (const cell of copy.cells) {
    const lines = [].concat(cell.source).join("").split("\n");
    const src = studentLines(lines, cell.cell_type === "code").join("\n");
    cell.source = src.split(/(?<=\n)/);
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    delete cell.metadata.execution;
  }
  return JSON.stringify(copy, null, 1) + "\n";
}

const checkOnly = process.argv.includes("--check");
let stale = 0;
for (const f of fs.readdirSync(solDir).filter((f) => f.endsWith(".ipynb"))) {
  const nb = JSON.parse(fs.readFileSync(path.join(solDir, f), "utf8"));
  const want = toStudent(nb);
  const target = path.join(root, "notebooks", f);
  const have = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : null;
  if (checkOnly) {
    if (have !== want) {
      console.log(`✘ notebooks/${f} is not the student version of notebooks/solutions/${f}: run npm run student`);
      stale++;
    } else console.log(`✔ notebooks/${f} matches notebooks/solutions/${f}`);
  } else if (have !== want) {
    fs.writeFileSync(target, want);
    console.log(`wrote notebooks/${f}`);
  }
}
process.exit(stale ? 1 : 0);
