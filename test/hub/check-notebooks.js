// The checks of test/notebooks/checks.js (the common ones and the notebook's own, as scripts/run-notebooks.js applies
// them) on notebooks executed elsewhere: the class hub's test (test/hub/hub_test.py) runs them in students' servers.
//   node test/hub/check-notebooks.js <html-dir> <executed.ipynb>...
// Each notebook is exported to HTML with the project's nbconvert first (the plots check reads the export).
// Prints one line per check, "✔ <file>: <check>" or "✘ <file>: <check>: <why>".
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { checks, runChecks } = require("../notebooks/checks");

const [htmlDir, ...files] = process.argv.slice(2);
const root = path.join(__dirname, "..", "..");
files.forEach((file, i) => {
  const name = path.basename(file);
  const outDir = path.join(htmlDir, String(i)); // one folder each: the files may share a name (one per student)
  const ex = spawnSync(path.join(root, ".venv", "bin", "jupyter"), ["nbconvert", "--to", "html", `--output-dir=${outDir}`, file], { encoding: "utf8" });
  if (ex.status !== 0) console.log(`✘ ${file}: HTML export: ${ex.stderr.slice(-2000).replace(/\n/g, " | ")}`);
  const htmlFile = path.join(outDir, name.replace(/\.ipynb$/, ".html"));
  const ctx = { doc: JSON.parse(fs.readFileSync(file, "utf8")), html: fs.existsSync(htmlFile) ? fs.readFileSync(htmlFile, "utf8") : "", name };
  const results = runChecks(ctx, name);
  if (!checks[name]) results.push({ name: "has notebook-specific checks", ok: false, detail: `none for ${name}` });
  for (const r of results) console.log(r.ok ? `✔ ${file}: ${r.name}` : `✘ ${file}: ${r.name}: ${r.detail.replace(/\n/g, " | ")}`);
});
