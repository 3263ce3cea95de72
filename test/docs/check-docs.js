#!/usr/bin/env node
// The document checks: what the project's documents say agrees with the project, without running any of it.
//   node test/docs/check-docs.js
// Prints ✔ or ✘ per check (a failing one with what is wrong), then "docs: N passed, M failed"; exit status 1 when a
// check fails. It reads files only (well under a second), so it runs beside the notebook checks of step 4
// (scripts/test.sh). The library's behaviour is jest's (test/*.test.ts); what executed notebooks print is
// test/notebooks/checks.js's.
//   - docs/failures.md: at least 25 fault cases, numbered 1..N, each naming a test that exists, and every test of the
//     fault-injection files (test/faults-*.test.ts) in the table;
//   - terminology (notebooks/README.md's 用語集): チャネル, never チャンネル; 差, never ギャップ, in the notebooks (their
//     text and outputs), the library's sources (the checkers' messages among them) and the documents.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const FAILURES = path.join(ROOT, "docs", "failures.md");

// ---------------------------------------------------------------- docs/failures.md

/** The rows of the table: `| # | layer | fault | what the user sees | what to do | injected by |`. */
function cases() {
  const out = [];
  for (const line of fs.readFileSync(FAILURES, "utf8").split("\n")) {
    if (!/^\| \d+ \|/.test(line)) continue;
    const cells = line.slice(1, -1).split(" | ").map((c) => c.trim());
    if (cells.length !== 6) throw new Error(`docs/failures.md: this row does not have 6 cells: ${line}`);
    const m = /^`(test\/[^`]+)` › (.+)$/.exec(cells[5]);
    if (m === null) throw new Error(`docs/failures.md, case ${cells[0]}: the last cell must be \`test/<file>\` › <test title>, not "${cells[5]}"`);
    out.push({ n: Number(cells[0]), fault: cells[2], sees: cells[3], todo: cells[4], file: m[1], title: m[2] });
  }
  return out;
}

/** The titles of test(...) calls in a jest file (string literals on one line). */
function testTitles(file) {
  const src = fs.readFileSync(file, "utf8");
  return [...src.matchAll(/\btest(?:\.each\([^)]*\))?\(\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
}

const failureChecks = [
  {
    name: "docs/failures.md lists at least 25 fault cases, numbered 1..N, each with what the user sees and what to do",
    test() {
      const all = cases();
      if (all.length < 25) return `${all.length} cases, fewer than 25`;
      const misnumbered = all.filter((c, i) => c.n !== i + 1).map((c) => c.n);
      if (misnumbered.length) return `cases not numbered 1..${all.length} in order: ${misnumbered.join(", ")}`;
      const empty = all.filter((c) => !c.fault || !c.sees || !c.todo).map((c) => c.n);
      return empty.length ? `cases with an empty fault, what the user sees or what to do: ${empty.join(", ")}` : true;
    },
  },
  {
    name: "every documented case names a test that exists in the named file",
    test() {
      const missing = [];
      for (const c of cases()) {
        const file = path.join(ROOT, c.file);
        if (!fs.existsSync(file)) {
          missing.push(`case ${c.n}: ${c.file} does not exist`);
          continue;
        }
        const named = c.file.endsWith(".py") ? fs.readFileSync(file, "utf8").includes(`check("${c.title}"`) : testTitles(file).includes(c.title);
        if (!named) missing.push(`case ${c.n}: no test "${c.title}" in ${c.file}`);
      }
      return missing.length ? missing.join("\n") : true;
    },
  },
  {
    name: "every test of the fault-injection files (test/faults-*.test.ts) is a documented case",
    test() {
      const documented = new Set(cases().map((c) => `${c.file} › ${c.title}`));
      const files = fs.readdirSync(path.join(ROOT, "test")).filter((f) => /^faults-.*\.test\.ts$/.test(f));
      if (files.length < 4) return `only ${files.length} test/faults-*.test.ts files found`;
      const undocumented = files.flatMap((f) => testTitles(path.join(ROOT, "test", f)).map((t) => `test/${f} › ${t}`)).filter((t) => !documented.has(t));
      return undocumented.length ? `not in docs/failures.md:\n${undocumented.join("\n")}` : true;
    },
  },
];

// ---------------------------------------------------------------- terminology

/** notebooks/README.md's 用語集: one word per concept; the last column names the words not used. */
const TERMS = [
  { use: "チャネル", never: "チャンネル" },
  { use: "差", never: "ギャップ" },
];

/** Files under `dir` (relative to the root) whose names end with one of `exts`, recursively; none under `skip`. */
function files(dir, exts, skip = ["node_modules", "dist"]) {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return skip.includes(e.name) ? [] : files(rel, exts, skip);
    return exts.some((x) => e.name.endsWith(x)) ? [rel] : [];
  });
}

const GLOSSARY = path.join("notebooks", "README.md");

/**
 * The lines of `rel` that use `word`, as "file:line: text". In the glossary the last cell of a row names the words
 * not used, so there only the rest of a table row counts.
 */
function uses(rel, word) {
  const lines = fs.readFileSync(path.join(ROOT, rel), "utf8").split("\n");
  const counted = (l) => (rel === GLOSSARY && /^\|.*\|\s*$/.test(l) ? l.trim().slice(0, -1).split("|").slice(0, -1).join("|") : l);
  return lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => counted(l).includes(word))
    .map(({ l, i }) => `${rel}:${i + 1}: ${l.trim().slice(0, 160)}`);
}

const SCOPE = () => [
  ...files("notebooks", [".ipynb", ".md"]),
  ...files("lib", [".ts", ".md"]),
  ...files("docs", [".md"]),
  "README.md",
  "environment.md",
];

const terminologyChecks = TERMS.map(({ use, never }) => ({
  name: `terminology: ${use}, never ${never}, in the notebooks, lib/ and the documents`,
  test() {
    const scope = SCOPE();
    if (!scope.some((f) => f.startsWith(path.join("lib", "core", "exercises"))) || !scope.some((f) => f.endsWith(".ipynb"))) {
      return "the checkers' sources or the notebooks were not found: the scope is wrong";
    }
    const found = scope.flatMap((f) => uses(f, never));
    return found.length ? found.join("\n") : true;
  },
}));

const CHECKS = [...failureChecks, ...terminologyChecks];

function main() {
  let passed = 0;
  let failed = 0;
  for (const c of CHECKS) {
    let r;
    try {
      r = c.test();
    } catch (e) {
      r = `check threw: ${e && e.stack ? e.stack : e}`;
    }
    if (r === true) {
      passed += 1;
      console.log(`✔ ${c.name}`);
    } else {
      failed += 1;
      console.log(`✘ ${c.name}\n${String(r).replace(/^/gm, "    ")}`);
    }
  }
  console.log(`docs: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
