// Issue 12: docs/failures.md and the fault-injection tests must agree. Every case in the table names a test (a file
// and a test title, or a check(...) title in test/kernel/protocol.py) that exists; every test of the fault files
// (test/faults-*.test.ts) is in the table; and there are at least 25 cases.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const DOC = path.join(ROOT, "docs", "failures.md");

interface Case {
  n: number;
  fault: string;
  sees: string;
  todo: string;
  file: string;
  title: string;
}

/** The rows of the table: `| # | layer | fault | what the user sees | what to do | injected by |`. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const line of fs.readFileSync(DOC, "utf8").split("\n")) {
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
function testTitles(file: string): string[] {
  const src = fs.readFileSync(file, "utf8");
  return [...src.matchAll(/\btest(?:\.each\([^)]*\))?\(\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

test("docs/failures.md lists at least 25 fault cases, numbered 1..N, each with what the user sees and what to do", () => {
  const all = cases();
  expect(all.length).toBeGreaterThanOrEqual(25);
  expect(all.map((c) => c.n)).toEqual(all.map((_, i) => i + 1));
  for (const c of all) {
    expect([c.n, c.fault.length > 0, c.sees.length > 0, c.todo.length > 0]).toEqual([c.n, true, true, true]);
  }
});

test("every documented case names a test that exists in the named file", () => {
  const missing: string[] = [];
  for (const c of cases()) {
    const file = path.join(ROOT, c.file);
    if (!fs.existsSync(file)) {
      missing.push(`case ${c.n}: ${c.file} does not exist`);
      continue;
    }
    const src = fs.readFileSync(file, "utf8");
    const named = c.file.endsWith(".py") ? src.includes(`check("${c.title}"`) : testTitles(file).includes(c.title);
    if (!named) missing.push(`case ${c.n}: no test "${c.title}" in ${c.file}`);
  }
  expect(missing).toEqual([]);
});

test("every test of the fault-injection files (test/faults-*.test.ts) is a documented case", () => {
  const documented = new Set(cases().map((c) => `${c.file} › ${c.title}`));
  const files = fs.readdirSync(path.join(ROOT, "test")).filter((f) => /^faults-.*\.test\.ts$/.test(f));
  expect(files.length).toBeGreaterThanOrEqual(4);
  const undocumented = files.flatMap((f) => testTitles(path.join(ROOT, "test", f)).map((t) => `test/${f} › ${t}`)).filter((t) => !documented.has(t));
  expect(undocumented).toEqual([]);
});
