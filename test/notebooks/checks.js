// What each executed notebook must show. Used by scripts/run-notebooks.js.
// A check returns true, or a string saying what is wrong.
"use strict";

/** All text a notebook printed (stream outputs and text/plain of displays), cell after cell. */
function text(doc) {
  const parts = [];
  for (const cell of doc.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "stream") parts.push([].concat(o.text).join(""));
      else if (o.data && o.data["text/plain"]) parts.push([].concat(o.data["text/plain"]).join(""));
    }
  }
  return parts.join("\n");
}

function outputs(doc) {
  return doc.cells.flatMap((c) => c.outputs ?? []);
}

/** Numbers captured by `re` (its first group), as floats. */
function numbers(doc, re) {
  return [...text(doc).matchAll(new RegExp(re, "g"))].map((m) => parseFloat(m[1]));
}

function within(name, value, ref, tol) {
  if (value === undefined || Number.isNaN(value)) return `${name}: not printed`;
  const ok = Math.abs(value - ref) <= tol;
  return ok ? true : `${name} = ${value}, expected ${ref} ± ${tol}`;
}

// ---------------------------------------------------------------- numbers reported by the notebooks
// A notebook calls report({ name: value }) (lib/core/report.ts); each call is a display output whose data holds the
// values under REPORT_MIME and an empty text/plain. The checks read those values, never the printed sentences.
const REPORT_MIME = "application/vnd.lecture3.report+json";

/** Every value the notebook reported, by name; a name reported by two outputs is an error (which one would count?). */
function reports(doc) {
  const out = {};
  for (const o of outputs(doc)) {
    const r = o.data && o.data[REPORT_MIME];
    if (!r) continue;
    for (const [k, v] of Object.entries(r)) {
      if (Object.prototype.hasOwnProperty.call(out, k)) throw new Error(`report name "${k}" appears in two outputs`);
      out[k] = v;
    }
  }
  return out;
}

/** `rep.a.b.0.c` for the path "a.b.0.c". */
function valueAt(rep, path) {
  return path.split(".").reduce((v, k) => (v === null || v === undefined ? undefined : v[k]), rep);
}

/** The reported values needed by a check; throws (and the check fails with the message) when one is missing. */
function need(doc, ...names) {
  const rep = reports(doc);
  const missing = names.filter((n) => typeof valueAt(rep, n) !== "number");
  if (missing.length) throw new Error(`not reported (or not a number): ${missing.join(", ")}`);
  return rep;
}

/** All markdown cells' text. */
function markdown(doc) {
  return doc.cells.filter((c) => c.cell_type === "markdown").map((c) => [].concat(c.source).join("")).join("\n");
}

const NUMBER = /-?\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?/;

/**
 * Numbers the markdown claims, each tied to a reported value:
 *   { key: "base.valid_acc", text: "86.6 %", scale: 100, digits: 1 }  the markdown contains `text`, and the reported
 *       value × scale printed with `digits` decimals is the number in `text` (equal as printed);
 *   { key: "best_epoch", text: "エポック 17", tol: 2 }                  … or within ± tol of it;
 *   { text: "89.3 %", source: "PyTorch 2.13, …" }                     a number measured elsewhere, stated with its source;
 *   otherBackendTol: 3                                                a number the markdown says was measured on the native
 *       backend: as above when the notebook's backend line says tensorflow, within ± otherBackendTol on another backend.
 * The number of a claim is the first number in its `text`.
 */
function claimsCheck(claims, name = "every number the markdown claims equals the reported value (as printed, or within its stated tolerance)") {
  return {
    name,
    test: ({ doc }) => {
      const md = markdown(doc);
      const rep = reports(doc);
      const native = /^backend: tensorflow /m.test(text(doc));
      const bad = [];
      for (const c of claims) {
        if (!md.includes(c.text)) {
          bad.push(`markdown no longer says "${c.text}"`);
          continue;
        }
        if (c.key === undefined) continue;
        const claimed = c.text.match(NUMBER)[0].replace(/,/g, "");
        const raw = valueAt(rep, c.key);
        if (typeof raw !== "number") {
          bad.push(`${c.key}: not reported (claimed "${c.text}")`);
          continue;
        }
        const v = raw * (c.scale ?? 1);
        if (!native && c.otherBackendTol !== undefined) {
          if (!(Math.abs(v - Number(claimed)) <= c.otherBackendTol)) bad.push(`${c.key}: reported ${v}, markdown says "${c.text}" (measured on the native backend; ± ${c.otherBackendTol} on another)`);
        } else if (c.digits !== undefined) {
          if (v.toFixed(c.digits) !== claimed) bad.push(`${c.key}: reported ${v.toFixed(c.digits)}, markdown says "${c.text}"`);
        } else if (c.tol !== undefined) {
          if (!(Math.abs(v - Number(claimed)) <= c.tol)) bad.push(`${c.key}: reported ${v}, markdown says "${c.text}" (± ${c.tol})`);
        } else if (v !== Number(claimed)) bad.push(`${c.key}: reported ${v}, markdown says "${c.text}"`);
      }
      return bad.length === 0 || bad.join("\n");
    },
  };
}

/** Every "<number> %" and "<number> ポイント" in the markdown belongs to a claim (so none goes unchecked). */
function percentsCovered(claims) {
  return {
    name: "every percentage in the markdown is a checked claim",
    test: ({ doc }) => {
      const md = markdown(doc);
      const found = [...md.matchAll(/(\d+(?:\.\d+)?)\s*(%|ポイント)/g)].map((m) => m[0]);
      const covered = claims.map((c) => c.text);
      const loose = found.filter((f) => !covered.some((t) => t.includes(f)));
      return loose.length === 0 || `not tied to a reported value: ${[...new Set(loose)].join(", ")}`;
    },
  };
}

const common = [
  {
    name: "no error output (tslab reports compile and run-time errors on stderr; nothing else may write there)",
    test: ({ doc }) => {
      const errs = [];
      doc.cells.forEach((c, i) =>
        (c.outputs ?? []).forEach((o) => {
          if (o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr")) {
            errs.push(`cell ${i}: ${(o.ename ? `${o.ename}: ${o.evalue}` : [].concat(o.text).join("")).slice(0, 400)}`);
          }
        }),
      );
      return errs.length === 0 || errs.join("\n");
    },
  },
  {
    name: "every code cell ran",
    test: ({ doc }) => {
      // tslab leaves execution_count empty; nbclient records when each cell went busy and idle
      const notRun = doc.cells.filter((c) => c.cell_type === "code" && c.source.length > 0 && !c.metadata?.execution?.["iopub.status.idle"]);
      return notRun.length === 0 || `${notRun.length} code cells were not executed`;
    },
    // the site (docs/site.md): JupyterLab records the execution count of each execute_reply; no nbclient metadata
    site: ({ doc }) => {
      const notRun = doc.cells.filter((c) => c.cell_type === "code" && c.source.length > 0 && typeof c.execution_count !== "number");
      return notRun.length === 0 || `${notRun.length} code cells have no execution count`;
    },
  },
  {
    name: "backend cell prints the backend the run asked for (tensorflow and TensorFlow 2.21.0; wasm under TFJS_BACKEND=wasm)",
    test: ({ doc, backend }) => {
      const first = doc.cells.find((c) => c.cell_type === "code");
      const t = (first.outputs ?? []).map((o) => [].concat(o.text ?? o.data?.["text/plain"] ?? "").join("")).join("");
      const asked = backend ?? process.env.TFJS_BACKEND ?? "auto"; // scripts/run-notebooks.js passes the backend of each run
      const want = {
        wasm: /^backend: wasm \| tfjs 4\.22\.0 \| TensorFlow - \| device: CPU \(WebAssembly/,
        cpu: /^backend: cpu \| tfjs 4\.22\.0 \| TensorFlow - \| device: /,
      }[asked] ?? /^backend: tensorflow \| tfjs 4\.22\.0 \| TensorFlow 2\.21\.0 \| device: /;
      return want.test(t) || `first code cell printed ${JSON.stringify(t.slice(0, 200))}`;
    },
    // the site: lib/browser/backend.ts's line, e.g. "backend: wasm (ブラウザ), tfjs 4.22.0"; `backend` (if given) is the one asked for
    site: ({ doc, backend }) => {
      const first = doc.cells.find((c) => c.cell_type === "code");
      const t = (first.outputs ?? []).map((o) => [].concat(o.text ?? o.data?.["text/plain"] ?? "").join("")).join("");
      const want = new RegExp(`^backend: (${backend ?? "webgl|wasm|cpu"}) \\(ブラウザ\\), tfjs 4\\.22\\.0`);
      return want.test(t) || `first code cell printed ${JSON.stringify(t.slice(0, 200))}`;
    },
  },
  {
    name: "report() outputs show nothing (empty text/plain beside the JSON), and no name is reported twice",
    test: ({ doc }) => {
      const reps = outputs(doc).filter((o) => o.data && o.data[REPORT_MIME]);
      const visible = reps.filter((o) => Object.keys(o.data).some((k) => k !== REPORT_MIME && k !== "text/plain") || [].concat(o.data["text/plain"] ?? "").join("") !== "");
      if (visible.length) return `${visible.length} report outputs carry something a person would see`;
      reports(doc); // throws on a name reported twice
      return true;
    },
  },
  {
    // a figure lost on the way (an output dropped, a display that failed quietly, a branch that skipped the call)
    // leaves a notebook with nothing to look at that still passes its number checks
    name: "every cell that calls a show…() function (plot.showBar, showExperiments, showPhotos, …) has a figure in its output",
    test: ({ doc }) => {
      const calls = /(?<!function\s+)\bshow[A-Z]\w*\s*\(/;
      const missing = [];
      doc.cells.forEach((c, i) => {
        const src = [].concat(c.source).join("");
        if (c.cell_type !== "code" || !calls.test(src)) return;
        const figure = (c.outputs ?? []).some((o) => o.data && Object.keys(o.data).some((k) => k === "application/vnd.plotly.v1+json" || k.startsWith("image/")));
        if (!figure) missing.push(`cell ${i} (${src.split("\n").find((l) => calls.test(l)).trim().slice(0, 100)}) shows no figure`);
      });
      return missing.length === 0 || missing.join("\n");
    },
  },
  {
    name: "no TensorFlow C++ log lines in outputs",
    test: ({ doc }) => !/cpu_feature_guard|absl::InitializeLog|oneDNN custom operations/.test(text(doc)) || "TensorFlow log lines reached the notebook",
  },
  {
    name: "plots: plotly JSON for JupyterLab and an HTML twin for nbconvert, plotly.js once in the HTML export and never in the notebook, no CDN",
    test: ({ doc, html }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]);
      if (figs.length === 0) return true; // notebooks without plots
      const noHtml = figs.filter((o) => !o.data["text/html"]);
      if (noHtml.length) return `${noHtml.length} plotly outputs without text/html`;
      // the saved notebook does not carry plotly.js (4.8 MB); the HTML export (template lecture3) adds it once
      if (JSON.stringify(doc).includes("plotly.js v")) return "the notebook's outputs carry plotly.js";
      const copies = (html.match(/\* plotly\.js v\d/g) ?? []).length;
      if (copies !== 1) return `the HTML export holds plotly.js ${copies} times (expected once: nbconvert template lecture3)`;
      if (/cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com/.test(html)) return "HTML export references a CDN";
      const divs = (html.match(/Plotly\.newPlot/g) ?? []).length;
      return divs >= figs.length || `HTML export draws ${divs} plots for ${figs.length} figures`;
    },
    // the site has no HTML export: the page drew `drawn` plotly figures (test/site counts them in the DOM)
    site: ({ doc, drawn }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]);
      const noHtml = figs.filter((o) => !o.data["text/html"]);
      if (noHtml.length) return `${noHtml.length} plotly outputs without text/html`;
      const json = JSON.stringify(doc);
      if (json.includes("plotly.js v")) return "the notebook's outputs carry plotly.js";
      if (/cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com/.test(json)) return "the notebook's outputs reference a CDN";
      if (typeof drawn !== "number") return "the site's test did not count the figures drawn in the page (ctx.drawn)";
      return drawn >= figs.length || `the page drew ${drawn} plotly figures for ${figs.length} figure outputs`;
    },
  },
];

// ---------------------------------------------------------------- less training data on the WebAssembly backend
// A notebook whose training would take too long on the WebAssembly backend (single-threaded in node: a CNN epoch of
// 60,000 images takes about 3 minutes there) trains on a subset there, prints one line saying so and reports
// train_images_used. Checks that need the full data are applied only when the reported train_images_used is the full
// count; the reduced runs have their own thresholds (measured: see each check).
const REDUCED_LINE = /WebAssembly バックエンドなので訓練データを ([\d,]+) 枚に減らして学習します/g;

/** Whether the notebook trained on all `full` images (from its reported train_images_used). */
function fullData(doc, full) {
  return need(doc, "train_images_used").train_images_used === full;
}

/** The training data used: all `full` images, or fewer only on the WebAssembly backend and then said in one printed line. */
function trainingDataCheck(full) {
  return {
    name: `training data: all ${full.toLocaleString("en")} images, or fewer only on the WebAssembly backend, announced by one printed line (「WebAssembly バックエンドなので訓練データを N 枚に減らして学習します」) and reported`,
    test: ({ doc }) => {
      const r = need(doc, "train_images_used");
      const t = text(doc);
      const said = [...t.matchAll(REDUCED_LINE)].map((m) => Number(m[1].replace(/,/g, "")));
      if (r.train_images_used === full) return said.length === 0 || `used all ${full} images but printed that it reduced them`;
      if (!/^backend: wasm /m.test(t)) return `trained on ${r.train_images_used} of ${full} images on a backend other than wasm`;
      return (said.length === 1 && said[0] === r.train_images_used && r.train_images_used < full) || `trained on ${r.train_images_used} images; the printed lines say ${JSON.stringify(said)}`;
    },
  };
}

// 01: ILSVRC figures are facts from the literature (the slide, Krizhevsky et al. 2012, Russakovsky et al. 2015);
// the notebook reports the table it draws, and its markdown must quote that table.
const CLAIMS_01 = [
  { key: "n_classes", text: "6 クラス" },
  { key: "n_images", text: "4 枚の画像" },
  { key: "ilsvrc.5.error", text: "ResNet (3.57 %)", scale: 1, digits: 2 },
  { key: "human_top5_error", text: "約 5.1 %", digits: 1 },
  { key: "ilsvrc.4.error", text: "GoogLeNet (6.7 %)", digits: 1 },
  { key: "vgg_2014", text: "VGG (7.3 %)", digits: 1 },
  { key: "ilsvrc.2.error", text: "**16.4 %**", digits: 1 },
  { key: "alexnet_extra_2012", text: "15.3 %", digits: 1 },
  { key: "second_2012", text: "26.2 %", digits: 1 },
  { key: "ilsvrc.3.error", text: "(11.7 %)", digits: 1 },
  // live top-5 of MobileNet v1 0.25 on the ants/bees validation photos
  { key: "shown_ranks.1", text: "ant は 2 位です" },
  { key: "live_count", text: "153 枚すべて" },
  { key: "live_count", text: "153 枚のうち 117 枚" },
  // exact on the native backend, as the markdown says; another backend decodes the JPEGs differently (± 3 photos)
  { key: "live_top5_hits", text: "117 枚でトップ5", otherBackendTol: 3 },
  { key: "live_top5_acc", text: "76.5 %)。", scale: 100, digits: 1, otherBackendTol: 2 },
  { key: "live_top1_hits", text: "67 枚 (トップ1", otherBackendTol: 3 },
  { key: "live_top1_acc", text: "43.8 %) で", scale: 100, digits: 1, otherBackendTol: 2 },
];

// 02: PyTorch 2.13 on this machine, the slide's code as is (batch 100, 3 epochs), test accuracy per learning rate.
const PYTORCH_MLP = { "0.01": 21.4, "0.1": 85.0, "0.5": 89.3 };
const CLAIMS_02 = [
  { key: "n_train", text: "訓練データ 6 万枚", scale: 1e-4, digits: 0 },
  { key: "n_test", text: "テストデータ 1 万枚", scale: 1e-4, digits: 0 },
  { text: "`sgd_lr = 0.01` で 21.4 %", source: "PyTorch 2.13 (PYTORCH_MLP)" },
  { text: "`0.1` で 85.0 %", source: "PyTorch 2.13 (PYTORCH_MLP)" },
  { text: "`0.5` で 89.3 %", source: "PyTorch 2.13 (PYTORCH_MLP)" },
  // "89.3 % と 1 ポイント以内": checked against the reported accuracy below
  { text: "89.3 % と 1 ポイント以内", source: "PyTorch 2.13; see the accuracy check" },
];

const checks = {
  "01_imagenet.ipynb": [
    {
      name: "top-k worked example: top-1 0.25, top-3 0.50, top-5 0.75 (error 0.25), tf.topk agrees",
      test: ({ doc }) => {
        const r = need(doc, "top1_acc", "top3_acc", "top5_acc", "tf_top5_acc");
        const got = [r.top1_acc, r.top3_acc, r.top5_acc, r.tf_top5_acc];
        return JSON.stringify(got) === JSON.stringify([0.25, 0.5, 0.75, 0.75]) || `reported ${JSON.stringify(got)}`;
      },
    },
    {
      name: "ILSVRC chart: 2010-2015 winning entries, every year the entry without outside training data (2012: 16.4, not the extra-data 15.3), VGG as 2014's runner-up (the title says so), and the human line, as reported",
      test: ({ doc }) => {
        const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"] && /ILSVRC/.test(JSON.stringify(o.data["application/vnd.plotly.v1+json"].layout.title || "")));
        if (figs.length !== 1) return `${figs.length} ILSVRC figures`;
        const fig = figs[0].data["application/vnd.plotly.v1+json"];
        const ys = fig.data[0].y;
        const want = [28.2, 25.8, 16.4, 11.7, 6.7, 7.3, 3.57];
        if (JSON.stringify(ys) !== JSON.stringify(want)) return `bars ${JSON.stringify(ys)}`;
        if (!/2 位/.test(JSON.stringify(fig.layout.title))) return "the chart shows VGG, a runner-up, but its title does not say so";
        const r = reports(doc);
        const names = (r.ilsvrc ?? []).map((w) => w.name).join(",");
        if (names !== "NEC-UIUC,XRCE,AlexNet,Clarifai,GoogLeNet,ResNet") return `winners reported: ${names}`;
        return (fig.layout.shapes ?? []).some((s) => s.y0 === 5.1) || "no human line at 5.1 %";
      },
    },
    {
      name: "live top-5 of MobileNet v1 0.25 on the 153 ants/bees validation photos: 117 contain the photo's class (ant 310 / bee 309), 67 at rank 1; 4 photos shown, each with its top-5 chart",
      test: ({ doc, backend }) => {
        const r = need(doc, "live_count", "live_top5_hits", "live_top1_hits");
        if (r.live_count !== 153) return `${r.live_count} photos`;
        // the native backend (TensorFlow's JPEG decoder) gives 117 and 67; another decoder may move a photo or two
        const asked = backend ?? process.env.TFJS_BACKEND; // the backend of this run (scripts/run-notebooks.js passes it)
        const exact = !asked || ["auto", "tensorflow"].includes(asked);
        const tol = exact ? 0 : 3;
        if (Math.abs(r.live_top5_hits - 117) > tol || Math.abs(r.live_top1_hits - 67) > tol) return `top-5 ${r.live_top5_hits}, top-1 ${r.live_top1_hits} of 153 (expected 117 and 67)`;
        const photos = outputs(doc).filter((o) => o.data && o.data["image/jpeg"]).length;
        const charts = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"] && /\(正解: (ants|bees)\)/.test(JSON.stringify(o.data["application/vnd.plotly.v1+json"].layout.title || ""))).length;
        const lines = (text(doc).match(/→ トップ5: .* → トップ5 に正解(あり ✔|なし ✘)/g) || []).length;
        return (photos === 4 && charts === 4 && lines === 4 && JSON.stringify(r.shown_ranks) === "[1,2,0,1]") || `photos ${photos}, charts ${charts}, lines ${lines}, ranks ${JSON.stringify(r.shown_ranks)}`;
      },
    },
    claimsCheck(CLAIMS_01),
    percentsCovered(CLAIMS_01),
  ],
  "02_mnist_mlp.ipynb": [
    {
      name: "reports the running loss every 100 mini-batches (18 values for 3 epochs of 600 mini-batches), falling",
      test: ({ doc }) => {
        const r = need(doc, "minibatches");
        const y = r.loss_every_100;
        if (!Array.isArray(y) || y.length !== 18) return `${Array.isArray(y) ? y.length : "no"} loss values`;
        if (r.minibatches !== 1800) return `${r.minibatches} mini-batches`;
        return y[17] < y[0] / 3 || `loss ${y[0]} → ${y[17]}`;
      },
    },
    {
      name: `test accuracy over exactly 10,000 images, within 1 point of PyTorch (${PYTORCH_MLP["0.5"]} % at lr 0.5), as the markdown says`,
      test: ({ doc }) => {
        const r = need(doc, "test_acc", "test_count", "sgd_lr");
        if (r.sgd_lr !== 0.5) return `sgd_lr ${r.sgd_lr}`;
        if (r.test_count !== 10000) return `count is ${r.test_count}, not 10000`;
        return within("accuracy %", 100 * r.test_acc, PYTORCH_MLP["0.5"], 1.0);
      },
    },
    {
      name: "evaluate() agrees with the explicit loop",
      test: ({ doc }) => {
        const r = need(doc, "test_correct", "evaluate_correct", "evaluate_count");
        return (r.test_correct === r.evaluate_correct && r.evaluate_count === 10000) || `explicit ${r.test_correct} vs evaluate() ${r.evaluate_correct} of ${r.evaluate_count}`;
      },
    },
    claimsCheck(CLAIMS_02),
    percentsCovered(CLAIMS_02),
  ],
};

// 03: every number of the markdown comes from report(); the claims (filled from a run on the 2-core CI machine)
// are checked within a stated tolerance, since the last digits can move with the machine (thread count, CPU).
// claims-03.json lists each number of 03's markdown: the reported name (key), its scale (100 for percent), and the
// text as the markdown reads. The markdown's numbers were copied from a run's report() values; when the markdown
// changes, change the list with it (a text the markdown no longer contains fails the claims check).
const TOL_03 = { "100": 1.5, "1": 0.03 }; // accuracies/gaps in points: ± 1.5; losses and norms: ± 0.03 (norms ± 1)
const CLAIMS_03 = require("./claims-03.json").map((c) => {
  if (/lambda/.test(c.key)) return { key: c.key, text: c.text }; // exact
  if (/\.epochs$/.test(c.key)) return { key: c.key, text: c.text }; // epochs a run was given: exact
  if (/epoch/.test(c.key)) return { key: c.key, text: c.text, tol: 2 };
  if (/norm/.test(c.key)) return { key: c.key, text: c.text, tol: 1 };
  if (c.key === "es_fraction") return { key: c.key, text: c.text, scale: 100, tol: 5 };
  return { key: c.key, text: c.text, scale: c.scale, tol: TOL_03[String(c.scale)] };
});

checks["03_generalization.ipynb"] = [
  {
    name: "data roles: 1,000 training, 2,000 validation (carved from the training data), 10,000 test images, 50 epochs",
    test: ({ doc }) => {
      const r = need(doc, "n_train", "n_valid", "n_test", "epochs");
      return (r.n_train === 1000 && r.n_valid === 2000 && r.n_test === 10000 && r.epochs === 50) || JSON.stringify(r).slice(0, 200);
    },
  },
  {
    name: "over-fitting is provoked: train accuracy ≥ 99 %, gap > 5 points, and the validation loss visibly rises (≥ 0.05 above its minimum, minimum ≥ 10 epochs before the end)",
    test: ({ doc }) => {
      const r = need(doc, "base_train_acc", "base_gap", "base_valid_loss", "base_lowest_loss", "base_lowest_epoch");
      const ok = r.base_train_acc >= 0.99 && r.base_gap > 0.05 && r.base_valid_loss - r.base_lowest_loss >= 0.05 && r.base_lowest_epoch <= 40;
      return ok || `train ${r.base_train_acc}, gap ${r.base_gap}, valid loss ${r.base_lowest_loss} at epoch ${r.base_lowest_epoch} → ${r.base_valid_loss}`;
    },
  },
  {
    name: "early stopping on the validation data: stops patience epochs after its best epoch and keeps that epoch",
    test: ({ doc }) => {
      const r = need(doc, "es_stop_epoch", "es_best_epoch", "es_patience");
      return (r.es_best_epoch >= 1 && r.es_best_epoch < r.es_stop_epoch && (r.es_stop_epoch === 50 || r.es_stop_epoch - r.es_best_epoch === r.es_patience)) || `stopped at ${r.es_stop_epoch}, best ${r.es_best_epoch}`;
    },
  },
  {
    // issue 20: the markdown says early stopping did worse in accuracy, and why (loss and accuracy disagree)
    name: "early stopping, as the markdown says: the restored epoch has lower validation, test and train accuracy than no countermeasure; without it the validation accuracy kept rising after the validation-loss minimum while the loss rose",
    test: ({ doc }) => {
      const r = need(doc, "es_valid_acc", "es_train_acc", "base_valid_acc", "base_train_acc", "test_acc.es", "test_acc.base", "base_acc_at_lowest", "base_best_acc", "base_best_acc_epoch", "base_lowest_epoch", "base_lowest_loss", "base_valid_loss");
      if (!(r.es_valid_acc < r.base_valid_acc && r.test_acc.es < r.test_acc.base && r.es_train_acc < r.base_train_acc)) return `early stopping ${JSON.stringify({ valid: r.es_valid_acc, test: r.test_acc.es, train: r.es_train_acc })} vs none ${JSON.stringify({ valid: r.base_valid_acc, test: r.test_acc.base, train: r.base_train_acc })}`;
      const rising = r.base_best_acc_epoch > r.base_lowest_epoch && r.base_acc_at_lowest < r.base_best_acc && r.base_acc_at_lowest < r.base_valid_acc && r.base_valid_loss > r.base_lowest_loss;
      return rising || `validation accuracy ${r.base_acc_at_lowest} at the loss minimum (epoch ${r.base_lowest_epoch}), best ${r.base_best_acc} at epoch ${r.base_best_acc_epoch}, last ${r.base_valid_acc}`;
    },
  },
  {
    name: "dropout holds the validation loss down (the markdown says so)",
    test: ({ doc }) => {
      const r = need(doc, "drop_valid_loss", "base_valid_loss", "drop_lowest_loss", "base_lowest_loss");
      return (r.drop_valid_loss < r.base_valid_loss && r.drop_lowest_loss < r.base_lowest_loss) || `last ${r.base_valid_loss} → ${r.drop_valid_loss}, lowest ${r.base_lowest_loss} → ${r.drop_lowest_loss}`;
    },
  },
  {
    name: "L2 sweep λ = 0, 1e-5 … 1e-2: ‖W‖_F falls with λ, the gap shrinks, 1e-4 and 1e-3 lower the validation loss, 1e-2 under-fits, no λ raises validation accuracy by ≥ 1 point, λ chosen on validation loss",
    test: ({ doc }) => {
      const r = need(doc, "l2_chosen_lambda");
      const l2 = r.l2;
      if (!Array.isArray(l2) || l2.map((w) => w.lambda).join() !== "0,0.00001,0.0001,0.001,0.01".split(",").map(Number).join()) return `λ ${JSON.stringify(l2 && l2.map((w) => w.lambda))}`;
      const norms = l2.map((w) => w.norm);
      if (!norms.every((n, i) => i === 0 || n < norms[i - 1])) return `norms ${norms}`;
      if (!(l2[4].gap < l2[0].gap)) return `gaps ${l2.map((w) => w.gap)}`;
      // the markdown: the gap does not shrink monotonically; only λ = 1e-2 closes it much (by 5+ points), by under-fitting (train < 80 %)
      const gaps = l2.map((w) => w.gap);
      if (!gaps.some((g, i) => i > 0 && g > gaps[i - 1])) return `the markdown says the gap is not monotone, but it shrinks at every step: ${gaps}`;
      if (!(gaps.slice(1, 4).every((g) => Math.abs(g - gaps[0]) < 0.025) && gaps[4] < gaps[0] - 0.05 && l2[4].train_acc < 0.8)) return `gaps ${gaps}, train accuracy at 1e-2 ${l2[4].train_acc}`;
      if (!(l2[4].train_acc < l2[0].train_acc - 0.05 && l2[4].valid_acc < l2[0].valid_acc - 0.05)) return `λ = 1e-2: ${JSON.stringify(l2[4])}`;
      if (!l2.slice(1).every((w) => w.valid_acc < l2[0].valid_acc + 0.01)) return `valid acc ${l2.map((w) => w.valid_acc)}`;
      if (!(Math.abs(l2[1].valid_acc - l2[0].valid_acc) < 0.01 && Math.abs(l2[2].valid_acc - l2[0].valid_acc) < 0.015)) return `small λ changed valid acc: ${l2.map((w) => w.valid_acc)}`;
      if (!(l2[2].valid_loss < l2[0].valid_loss && l2[3].valid_loss < l2[0].valid_loss)) return `valid loss ${l2.map((w) => w.valid_loss)}`;
      const best = l2.reduce((b, w) => (w.valid_loss < b.valid_loss ? w : b));
      return r.l2_chosen_lambda === best.lambda || `chosen ${r.l2_chosen_lambda}, lowest validation loss at ${best.lambda}`;
    },
  },
  {
    name: "batch normalization lowers the training loss after one epoch",
    test: ({ doc }) => {
      const r = need(doc, "bn_off_train_loss", "bn_on_train_loss");
      return r.bn_on_train_loss < r.bn_off_train_loss || `BN off ${r.bn_off_train_loss}, on ${r.bn_on_train_loss}`;
    },
  },
  {
    name: "more training data: validation accuracy rises and the gap shrinks from 500 to 4,000 images; the runs take 400 steps each (40, 20, 10, 5 epochs) and 4,000 images reach a lower train accuracy than 500 (the markdown says both)",
    test: ({ doc }) => {
      const rows = reports(doc).by_size;
      if (!Array.isArray(rows) || rows.map((r) => r.n).join() !== "500,1000,2000,4000") return `sizes ${JSON.stringify(rows)}`;
      // the same 400 steps for every size, so the epochs differ (the markdown states this confound) and 4,000 does not fit its data as 500 does
      if (rows.map((r) => r.epochs).join() !== "40,20,10,5") return `epochs ${rows.map((r) => r.epochs)}`;
      if (!(rows[3].train_acc < rows[0].train_acc)) return `train accuracy 500: ${rows[0].train_acc}, 4000: ${rows[3].train_acc}`;
      return (rows[3].valid_acc > rows[0].valid_acc + 0.03 && rows[3].gap < rows[0].gap) || `500: ${JSON.stringify(rows[0])}, 4000: ${JSON.stringify(rows[3])}`;
    },
  },
  {
    name: "the test data is evaluated once, at the end, for the five models chosen on validation data; validation and test accuracy agree within 2 points",
    test: ({ doc }) => {
      const r = need(doc, "max_valid_test_diff");
      const keys = Object.keys(r.test_acc ?? {}).sort().join(); // nbformat stores JSON keys sorted
      if (keys !== "aug,base,drop,es,l2") return `test accuracies for ${keys}`;
      const last = doc.cells.filter((c) => c.cell_type === "code").pop();
      const inLast = (last.outputs ?? []).some((o) => o.data && o.data[REPORT_MIME] && o.data[REPORT_MIME].test_acc);
      if (!inLast) return "test accuracies are not reported by the last code cell";
      return r.max_valid_test_diff < 0.02 || `validation and test differ by ${r.max_valid_test_diff}`;
    },
  },
  {
    name: "data augmentation raises the validation accuracy (≥ 1.5 points), lowers the validation loss, keeps the train accuracy below 100 % and the gap smaller (the markdown says so)",
    test: ({ doc }) => {
      const r = need(doc, "aug_valid_acc", "base_valid_acc", "aug_valid_loss", "base_valid_loss", "aug_train_acc", "base_train_acc", "aug_gap", "base_gap");
      if (!(r.aug_train_acc < r.base_train_acc && r.aug_train_acc < 1 && r.aug_gap < r.base_gap)) return `train accuracy ${r.base_train_acc} → ${r.aug_train_acc}, gap ${r.base_gap} → ${r.aug_gap}: the markdown says augmentation keeps the train accuracy below 100 % and the gap smaller`;
      return (r.aug_valid_acc >= r.base_valid_acc + 0.015 && r.aug_valid_loss < r.base_valid_loss) || `valid acc ${r.base_valid_acc} → ${r.aug_valid_acc}, loss ${r.base_valid_loss} → ${r.aug_valid_loss}`;
    },
  },
  claimsCheck(CLAIMS_03, "every number the markdown claims is the reported value (accuracies ± 1.5 points, losses ± 0.03, norms ± 1, epochs ± 2, λ exact)"),
  percentsCovered(CLAIMS_03),
];

// PyTorch 2.13, the seed's CNN, SGD lr 0.1, batch 100, real MNIST: test accuracy after epochs 1, 2, 3.
const PYTORCH_CNN = [96.95, 97.89, 98.23];
// 04 on the WebAssembly backend trains the same CNN 3 epochs on the first 10,000 training images: measured 88.59 /
// 93.19 / 94.51 % (seed 1); the reduced runs are held to ≥ 93 % after the 3rd epoch.
const CNN_REDUCED_MIN = 93;

/** The check lines "演習N: ✔ …" / "演習N: ✘ …" / "演習N: 未解答 …" (not the summary table's rows). */
function exerciseLines(doc) {
  return [...text(doc).matchAll(/^演習(\d+): (✔|✘|未解答)(.*)$/gm)].map((m) => ({ n: Number(m[1]), status: m[2], rest: m[3] }));
}

/** The table check.summary() prints: one row per exercise 1-8 and "(k/8 正解)". */
function summaryTable(doc) {
  const m = text(doc).match(/演習の結果\n((?:演習\d .*\n){8})\((\d)\/8 正解\)/);
  if (!m) return null;
  return { rows: m[1].trim().split("\n").map((r) => r.match(/^演習(\d) +(\S+(?: 正解| 不正解)?)/).slice(1)), right: Number(m[2]) };
}

// 04's markdown: PyTorch's figures (measured elsewhere), and the seed tables of 演習3/4, measured with
// scripts/measure-04-seeds.js. The solution notebook runs seed 1 itself, so there the seed-1 rows are tied to
// its reported values (seed 1 is deterministic on this backend; the tolerances absorb another CPU's rounding).
const SEEDS_04 = "scripts/measure-04-seeds.js (seeds 1-5, the notebook's settings)";
const CLAIMS_04 = [
  { text: "1 エポック後 96.95 %", source: "PyTorch 2.13 (PYTORCH_CNN)" },
  { text: "2 エポック後 97.89 %", source: "PyTorch 2.13 (PYTORCH_CNN)" },
  { text: "3 エポック後 98.23 %", source: "PyTorch 2.13 (PYTORCH_CNN)" },
  { text: "3 エポック後でも 93.05 %", source: "PyTorch 2.13, lr 0.01" },
  { text: "| 1 | 12.60 | 11.45 | 1.15 | 13.40 | 11.20 | 2.20 |", source: SEEDS_04 },
  { text: "| 2 | 10.60 | 10.10 | 0.50 | 13.60 | 11.65 | 1.95 |", source: SEEDS_04 },
  { text: "| 3 | 10.55 | 9.30 | 1.25 | 14.60 | 12.20 | 2.40 |", source: SEEDS_04 },
  { text: "| 4 | 10.10 | 8.75 | 1.35 | 14.45 | 11.20 | 3.25 |", source: SEEDS_04 },
  { text: "| 5 | 8.00 | 8.45 | −0.45 | 11.00 | 8.20 | 2.80 |", source: SEEDS_04 },
  { text: "| 1 | 2.2725 | 0.8829 | 1.4814 | 2.4079 |", source: SEEDS_04 },
  { text: "| 2 | 2.2866 | 0.8751 | 1.6940 | 2.6417 |", source: SEEDS_04 },
  { text: "| 3 | 2.2860 | 0.9441 | 1.6070 | 2.5614 |", source: SEEDS_04 },
  { text: "| 4 | 2.2775 | 0.8740 | 1.4330 | 2.3665 |", source: SEEDS_04 },
  { text: "| 5 | 2.2863 | 0.8708 | 1.7429 | 2.4996 |", source: SEEDS_04 },
  { text: "シード 1 の差が 1 ポイントほど", source: "TFJS_BACKEND=wasm node scripts/measure-04-seeds.js ex3 1 16: 12.05 against the native 11.20 (environment.md)" },
  { text: "重みの更新はわずか 40 回です", source: "演習5: 1,000 training images ÷ batch 50 × 2 epochs (the solution prints and reports ex5_steps)" },
];
const CLAIMS_04_SOLUTION = [
  ...CLAIMS_04,
  // the markdown says the table is the native backend's, and that on another CPU or backend seed 1's gap can move by
  // about a point (measured: 12.05 on WebAssembly against the table's 11.20; 13.10 against 13.40 natively on an AMD EPYC)
  { key: "ex3_gap_without", text: "13.40 | 11.20 | 2.20", scale: 100, tol: 1.5 },
  { key: "ex3_gap_with", text: "11.20 | 2.20 |", scale: 100, tol: 1.5 },
  { key: "ex4_loss_without", text: "2.2725 | 0.8829", tol: 0.01 },
  { key: "ex4_loss_with", text: "0.8829 | 1.4814", tol: 0.01 },
  { key: "ex5_steps", text: "わずか 40 回です" },
];

/** The rows "| seed | a | b | … |" of the markdown table whose header starts with `header`, as numbers (− read as minus). */
function seedTable(doc, header) {
  const md = markdown(doc);
  const start = md.indexOf(header);
  if (start < 0) return null;
  const rows = [];
  for (const line of md.slice(start).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split("|").slice(1, -1).map((c) => Number(c.trim().replace("−", "-"))));
  }
  return rows;
}

// issue 20: the direction of every comparison 04's markdown states about its seed tables, checked on the tables
const DIRECTIONS_04 = [
  {
    name: "演習3's table says what its sentences say: 縮んだ量 = なし − あり; at 8 epochs the shrink is smaller than at 16 for every seed and seed 5's gap widened; at 16 epochs it shrank for all 5 seeds",
    test: ({ doc }) => {
      const rows = seedTable(doc, "| シード | 8 エポック: 差 (なし)");
      if (!rows || rows.length !== 5 || rows.some((r) => r.length !== 7 || r.some((v) => !Number.isFinite(v)))) return `table ${JSON.stringify(rows)}`;
      const bad = [];
      for (const [seed, a8, b8, d8, a16, b16, d16] of rows) {
        if (Math.abs(a8 - b8 - d8) > 0.011 || Math.abs(a16 - b16 - d16) > 0.011) bad.push(`seed ${seed}: 縮んだ量 is not なし − あり`);
        if (!(d8 < d16)) bad.push(`seed ${seed}: 8 epochs shrink ${d8} not smaller than 16 epochs ${d16}`);
        if (!(d16 > 0)) bad.push(`seed ${seed}: no shrink at 16 epochs (${d16})`);
      }
      if (!(rows[4][0] === 5 && rows[4][3] < 0)) bad.push("seed 5 did not widen at 8 epochs");
      if (!/シード 5 では逆に広がりました/.test(markdown(doc)) || !/5 つのシードすべてで縮みます/.test(markdown(doc))) bad.push("the sentences changed: update this check");
      return bad.length === 0 || bad.join("; ");
    },
  },
  {
    name: "演習4's table says what its sentences say: at lr 0.01 batch norm's loss is lower for every seed, at lr 0.1 higher for every seed",
    test: ({ doc }) => {
      const rows = seedTable(doc, "| シード | 学習率 0.01: BN なし");
      if (!rows || rows.length !== 5 || rows.some((r) => r.length !== 5 || r.some((v) => !Number.isFinite(v)))) return `table ${JSON.stringify(rows)}`;
      const bad = rows.filter(([, a, b, c, d]) => !(b < a && d > c)).map((r) => `seed ${r[0]}`);
      if (!/学習率 0.01 では、どのシードでもバッチ正規化ありの方がはっきり小さくなります/.test(markdown(doc))) bad.push("the sentence changed: update this check");
      return bad.length === 0 || `not as stated: ${bad.join(", ")}`;
    },
  },
];

const CHECKS_04_BOTH = [
  {
    name: "演習1's answers are not on screen before its check: model.summary() is printed only after 演習1's line",
    test: ({ doc }) => {
      const t = text(doc);
      const table = t.indexOf("conv1 (Conv2d)");
      const ex1 = t.search(/^演習1: /m);
      if (ex1 < 0) return "no 演習1 line";
      return table < 0 || table > ex1 || "the summary table is printed before 演習1's check";
    },
  },
  {
    name: "parameter counts reported: MLP 1,238,730, CNN 1,199,882, of which fc1 98.3 %",
    test: ({ doc }) => {
      const r = need(doc, "mlp_params", "cnn_params", "cnn_fc1_share");
      return (r.mlp_params === 1238730 && r.cnn_params === 1199882 && Math.abs(r.cnn_fc1_share - 0.9833) < 0.001) || JSON.stringify({ mlp: r.mlp_params, cnn: r.cnn_params, fc1: r.cnn_fc1_share });
    },
  },
  {
    name: "every check cell prints one line and nothing else (no returned object)",
    test: ({ doc }) => {
      const bad = [];
      doc.cells.forEach((c, i) => {
        const src = [].concat(c.source).join("");
        if (c.cell_type !== "code" || !/^check\.ex\d\(/.test(src)) return;
        const outs = c.outputs ?? [];
        const t = outs.map((o) => [].concat(o.text ?? o.data?.["text/plain"] ?? "").join("")).join("");
        if (outs.some((o) => o.output_type === "execute_result") || !/^演習\d: [^\n]*\n?$/.test(t)) bad.push(`cell ${i}: ${JSON.stringify(t.slice(0, 200))}`);
      });
      return bad.length === 0 || bad.join("\n");
    },
  },
  {
    name: "check.summary() prints one table of all 8 exercises",
    test: ({ doc }) => {
      const s = summaryTable(doc);
      return (s && s.rows.map((r) => r[0]).join(",") === "1,2,3,4,5,6,7,8") || "no summary table with rows 演習1-8";
    },
  },
];

checks["04_mnist_conv.ipynb"] = [
  {
    name: `CNN trained 3 epochs, tested on 10,000 images each epoch: on all 60,000 training images each epoch within 1 point of PyTorch (96.95 / 97.89 / 98.23 %); on the WebAssembly backend's subset ≥ ${CNN_REDUCED_MIN} % after the 3rd epoch`,
    test: ({ doc }) => {
      const r = need(doc, "cnn_epoch_test_acc.2", "cnn_test_count", "train_images_used");
      if (r.cnn_trained !== true) return "the student version must train, not load a saved model";
      const e = r.cnn_epoch_test_acc.map((a) => 100 * a);
      const full = fullData(doc, 60000);
      const bad = e.length !== 3 || r.cnn_test_count !== 10000 || (full ? e.some((a, i) => Math.abs(a - PYTORCH_CNN[i]) > 1.0) : !(e[2] >= CNN_REDUCED_MIN));
      return !bad || `epochs: ${e.map((a) => a.toFixed(2)).join(", ")} % of ${r.cnn_test_count} (trained on ${r.train_images_used} images) vs ${full ? PYTORCH_CNN.join(", ") : `≥ ${CNN_REDUCED_MIN}`}`;
    },
  },
  trainingDataCheck(60000),
  {
    name: "student version: every exercise 1-8 reports 未解答, none fails, and the summary says 0/8",
    test: ({ doc }) => {
      const ex = exerciseLines(doc);
      const ns = ex.map((e) => e.n).join(",");
      if (ns !== "1,2,3,4,5,6,7,8") return `exercise lines for ${ns}`;
      const notEmpty = ex.filter((e) => e.status !== "未解答");
      if (notEmpty.length) return `not 未解答: ${notEmpty.map((e) => `演習${e.n} ${e.status}${e.rest}`).join(", ")}`;
      const s = summaryTable(doc);
      return (s && s.right === 0 && s.rows.every((r) => r[1] === "未解答")) || `summary: ${JSON.stringify(s)}`;
    },
  },
  ...CHECKS_04_BOTH,
  ...DIRECTIONS_04,
  claimsCheck(CLAIMS_04),
  percentsCovered(CLAIMS_04),
];

checks["solutions/04_mnist_conv.ipynb"] = [
  {
    name: "solution version: every exercise 1-8 passes its check (✔), and the summary says 8/8",
    test: ({ doc }) => {
      const ex = exerciseLines(doc);
      const ok = ex.filter((e) => e.status === "✔").map((e) => e.n).join(",");
      if (ok !== "1,2,3,4,5,6,7,8") return `✔ for ${ok}; others: ${ex.filter((e) => e.status !== "✔").map((e) => `演習${e.n} ${e.status}${e.rest}`).join(" | ")}`;
      const s = summaryTable(doc);
      return (s && s.right === 8) || `summary: ${JSON.stringify(s)}`;
    },
  },
  {
    name: `the CNN it uses reaches within 1 point of PyTorch's 3-epoch 98.23 % on 10,000 test images (≥ ${CNN_REDUCED_MIN} % when trained on the WebAssembly backend's subset)`,
    test: ({ doc }) => {
      const r = need(doc, "cnn_test_acc", "cnn_test_count");
      const ok = fullData(doc, 60000) ? Math.abs(100 * r.cnn_test_acc - 98.23) <= 1.0 : 100 * r.cnn_test_acc >= CNN_REDUCED_MIN;
      return (r.cnn_test_count === 10000 && ok) || `reported ${r.cnn_test_acc} of ${r.cnn_test_count} (trained on ${r.train_images_used} images)`;
    },
  },
  trainingDataCheck(60000),
  ...CHECKS_04_BOTH,
  ...DIRECTIONS_04,
  {
    name: "the solution's own seed-1 runs go the way the markdown says every seed went: dropout shrank the gap (16 epochs), batch norm lowered the first epoch's loss (lr 0.01)",
    test: ({ doc }) => {
      const r = need(doc, "ex3_gap_without", "ex3_gap_with", "ex4_loss_without", "ex4_loss_with");
      return (r.ex3_gap_with < r.ex3_gap_without && r.ex4_loss_with < r.ex4_loss_without) || JSON.stringify(r);
    },
  },
  claimsCheck(CLAIMS_04_SOLUTION, "every number the markdown claims: PyTorch's and the seed tables quoted, the seed-1 rows equal to this run (gaps ± 0.3 points, losses ± 0.01)"),
  percentsCovered(CLAIMS_04_SOLUTION),
  {
    // the kernel shows a cell's last expression as its result (docs/kernel.md, "A cell's last expression"); tslab printed it on stdout
    name: "演習1's answer cell, ending in Object.assign(ex1, …), shows the answer as its Out (one execute_result), nothing on stdout",
    test: ({ doc }) => {
      const cell = doc.cells.find((c) => c.cell_type === "code" && /^Object\.assign\(ex1, \{/m.test([].concat(c.source).join("")));
      if (!cell) return "no code cell with Object.assign(ex1, {";
      const outs = cell.outputs ?? [];
      const res = outs.filter((o) => o.output_type === "execute_result");
      const plain = res.length === 1 ? [].concat(res[0].data?.["text/plain"] ?? "").join("") : "";
      const ok = res.length === 1 && outs.length === 1 && /conv1: \{ shape: \[ 26, 26, 32 \], params: 320 \}/.test(plain) && /fc2: \{ shape: \[ 10 \], params: 1290 \}/.test(plain);
      return ok || `outputs: ${JSON.stringify(outs).slice(0, 400)}`;
    },
  },
];

checks["05_conv_pooling.ipynb"] = [
  {
    name: "convolution by loop equals tf.conv2d (one and several channels, y11 = -4, 57 parameters); max pooling by loop equals tf.maxPool",
    test: ({ doc }) => {
      const r = need(doc, "y11", "conv_max_diff", "conv_multi_max_diff", "conv_multi_params");
      const ok = r.y11 === -4 && r.conv_max_diff === 0 && r.conv_multi_max_diff < 1e-5 && r.conv_multi_params === 57 && r.pool_same === true;
      return ok || JSON.stringify({ y11: r.y11, d1: r.conv_max_diff, d2: r.conv_multi_max_diff, p: r.conv_multi_params, pool: r.pool_same });
    },
  },
  {
    name: "the CNN whose kernels are shown was evaluated on 10,000 test images (≥ 95 %; ≥ 85 % when trained here on the WebAssembly backend's 10,000 images)",
    test: ({ doc }) => {
      const r = need(doc, "cnn_test_acc", "cnn_test_count");
      // measured on the WebAssembly backend without models/cnn.json: one epoch on the first 10,000 images, 89.2 %
      const min = fullData(doc, 60000) ? 0.95 : 0.85;
      return (r.cnn_test_count === 10000 && r.cnn_test_acc >= min) || `${r.cnn_test_acc} of ${r.cnn_test_count} (trained on ${r.train_images_used} images)`;
    },
  },
  trainingDataCheck(60000),
  {
    name: "Gabor filters: ψ = 0 at 3×3, λ = 4 is exactly 0 at x′ = ±1 (a line detector, as the markdown says); kernels counted by kind and direction add up",
    test: ({ doc }) => {
      const r = need(doc, "similar_kernels", "threshold", "edge_vertical", "edge_horizontal", "edge_diagonal", "line_vertical", "line_horizontal", "line_diagonal");
      const row = r.gabor_center_row;
      if (!Array.isArray(row) || Math.abs(row[0]) > 1e-12 || Math.abs(row[2]) > 1e-12 || Math.abs(row[1] - 1) > 1e-12) return `center row ${JSON.stringify(row)}`;
      const sum = r.edge_vertical + r.edge_horizontal + r.edge_diagonal + r.line_vertical + r.line_horizontal + r.line_diagonal;
      return (sum === r.similar_kernels && sum <= 32 && r.threshold === 0.8) || `counts add to ${sum}, similar ${r.similar_kernels}`;
    },
  },
  {
    name: "shows the trained CNN's 32 kernels, a digit's 32 feature maps, the Gabor banks (8 directions × ψ = 0, π/2) and the 4 closest pairs",
    test: ({ doc }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).map((o) => o.data["application/vnd.plotly.v1+json"]);
      const counts = figs.map((f) => f.data.length);
      const pngs = outputs(doc).filter((o) => o.data && o.data["image/png"]).length;
      return (counts.filter((c) => c === 32).length >= 2 && counts.includes(16) && counts.includes(8) && pngs >= 1) || `traces per figure ${counts}, png ${pngs}`;
    },
  },
  {
    // issue 20: random 3×3 kernels pass the same test by chance, so the trained count means something only beside them
    name: "Gabor-like count beside chance: the same test applied to the untrained conv1 and to 32,000 random kernels; the printed verdict (beyond mean + 2 sd of chance or not) follows from the reported numbers",
    test: ({ doc }) => {
      const r = need(doc, "similar_kernels", "untrained_similar", "random_fraction", "chance_mean", "chance_sd");
      if (!(Number.isInteger(r.untrained_similar) && r.untrained_similar >= 0 && r.untrained_similar <= 32)) return `untrained_similar ${r.untrained_similar}`;
      if (!(r.random_fraction > 0 && r.random_fraction < 1)) return `random_fraction ${r.random_fraction}`;
      const mean = 32 * r.random_fraction, sd = Math.sqrt(32 * r.random_fraction * (1 - r.random_fraction));
      if (Math.abs(mean - r.chance_mean) > 1e-9 || Math.abs(sd - r.chance_sd) > 1e-9) return `chance ${r.chance_mean} ± ${r.chance_sd}, expected ${mean} ± ${sd}`;
      const beyond = r.similar_kernels > mean + 2 * sd;
      if (r.beyond_chance !== beyond) return `beyond_chance ${r.beyond_chance}, but ${r.similar_kernels} vs ${mean + 2 * sd}`;
      const line = text(doc).match(/^判定: 学習したカーネルの (\d+) 個は、.*を(超えています|超えていません)/m);
      return (line && Number(line[1]) === r.similar_kernels && (line[2] === "超えています") === beyond) || `verdict line ${line && line[0]}`;
    },
  },
  {
    name: "本講義のまとめ names every notebook 01-08 (transfer learning is 06, not missing)",
    test: ({ doc }) => {
      const md = markdown(doc);
      const i = md.indexOf("## 本講義のまとめ");
      if (i < 0) return "no 本講義のまとめ";
      const missing = ["01", "02", "03", "04", "06", "07", "08"].filter((n) => !md.slice(i).includes(`\`${n}\``));
      if (/まだ含まれていません/.test(md.slice(i))) return "the summary still says something is not in the notebooks";
      return missing.length === 0 || `the summary does not name ${missing.join(", ")}`;
    },
  },
  {
    name: "the prose names edge directions only next to counted numbers (縦・横・斜め appear in the output, not as a claim in the markdown)",
    test: ({ doc }) => !/縦・横・斜めのエッジ/.test(markdown(doc)) || "the markdown claims 縦・横・斜めのエッジ without a number",
  },
  percentsCovered([]),
];

// 06: transfer learning on the ants/bees photos (issue 10). The frozen-base head must reach ≥ 0.85 on the 153
// validation photos for every seed (a probe reached 0.876–0.895); the markdown's numbers are tied to the reports.
const CLAIMS_06 = [
  { key: "n_files", text: "245 個のファイル" },
  { key: "n_train", text: "244 枚の写真しかなくても" },
  { key: "n_valid", text: "検証データ 153 枚の正解率" },
  { key: "frozen_trainable_params", text: "514 個のパラメータ" },
  { key: "frozen_mean_acc", text: "平均で 88.7 %", scale: 100, tol: 1.5 },
  { key: "finetune_mean_acc", text: "平均 87.8 %", scale: 100, tol: 2 },
  // the baseline every accuracy is compared with: always answering the larger class (bees, 83 of 153)
  { key: "majority_valid_acc", text: "いつも bees と答えるだけの 54.2 %", scale: 100, digits: 1 },
  { key: "majority_valid_acc", text: "基準の 54.2 %", scale: 100, digits: 1 },
  // from scratch: one seed, 112×112 inputs, 20 epochs. Its accuracies are stated as relations (checked below), not as
  // numbers: with the same seed, two CI runs ended with training accuracies of 86.9 % and 81.1 % (valid 55.6 % both).
  // The check "baselines and comparisons" below holds these two relations on the reported values (0.15 and 0.1).
  { text: "訓練正解率は検証正解率を 15 ポイント以上上回る" },
  { text: "基準の 54.2 % から 10 ポイント以内" },
  { key: "scratch_size", text: "112×112 に縮小" },
  { key: "scratch_epochs", text: "同じ 20 エポック" },
];

/** The plotly figures of a notebook (their JSON). */
function figures(doc) {
  return outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).map((o) => o.data["application/vnd.plotly.v1+json"]);
}

/** Photo grids drawn by images.photoGrid: image traces that carry a JPEG, with their titles. */
function photoGrids(doc) {
  return figures(doc)
    .filter((f) => f.data.length > 0 && f.data.every((t) => t.type === "image" && /^data:image\/jpeg;base64,/.test(t.source || "")))
    .map((f) => ({ photos: f.data.length, titles: (f.layout.annotations || []).map((a) => a.text), red: (f.layout.annotations || []).filter((a) => a.font && a.font.color === "red").length }));
}

checks["06_transfer_learning.ipynb"] = [
  {
    name: "data: 244 training photos (245 files, the GIF placeholder skipped with one warning naming it), 153 validation photos, classes ants/bees",
    test: ({ doc }) => {
      const r = need(doc, "n_train", "n_valid", "n_files");
      const warn = (text(doc).match(/skipped a file that is not an image: [^\n]*imageNotFound\.gif/g) || []).length;
      const ok = r.n_train === 244 && r.n_valid === 153 && r.n_files === 245 && JSON.stringify(r.skipped) === '["imageNotFound.gif"]' && warn === 1 &&
        JSON.stringify(r.classes) === '["ants","bees"]' && JSON.stringify(r.valid_counts) === "[70,83]";
      return ok || `${JSON.stringify({ n_train: r.n_train, n_valid: r.n_valid, n_files: r.n_files, skipped: r.skipped, warnings: warn, classes: r.classes, valid: r.valid_counts })}`;
    },
  },
  {
    name: "MobileNet v1 0.25 with ImageNet weights, cut at global average pooling (256 features), the base frozen while the head learns",
    test: ({ doc }) => {
      const r = need(doc, "mobilenet_params", "base_params", "feature_size", "frozen_trainable_params");
      const ok = r.mobilenet_params === 475544 && r.base_params === 218544 && r.feature_size === 256 && r.frozen_trainable_params === 514 && r.base_unchanged === true;
      return ok || JSON.stringify({ all: r.mobilenet_params, base: r.base_params, f: r.feature_size, head: r.frozen_trainable_params, frozen: r.base_unchanged });
    },
  },
  {
    name: "frozen base + new head: validation accuracy ≥ 0.85 for each of the 3 seeds",
    test: ({ doc }) => {
      const a = reports(doc).frozen_valid_acc;
      return (Array.isArray(a) && a.length === 3 && a.every((x) => x >= 0.85)) || `frozen_valid_acc ${JSON.stringify(a)}`;
    },
  },
  {
    name: "one table compares (a) from scratch, the frozen base and (b) fine-tuning the last block: transfer beats scratch by ≥ 10 points, fine-tuning trains more parameters than the head",
    test: ({ doc }) => {
      const r = need(doc, "scratch_valid_acc", "frozen_mean_acc", "finetune_mean_acc", "finetune_trainable_params", "scratch_trainable_params", "scratch_epochs");
      const ft = r.finetune_valid_acc;
      if (!Array.isArray(ft) || ft.length !== 3) return `finetune_valid_acc ${JSON.stringify(ft)}`;
      if (!/方法 \| 学習するパラメータ[\s\S]*\(a\) ゼロから学習[\s\S]*全結合層のみ[\s\S]*\(b\) 最後のブロックも再学習/.test(text(doc))) return "the comparison table (3 rows: (a), frozen, (b)) is not printed";
      const ok = r.frozen_mean_acc >= r.scratch_valid_acc + 0.1 && r.finetune_trainable_params > 514 && r.scratch_trainable_params > r.finetune_trainable_params && r.finetune_mean_acc >= 0.8;
      return ok || JSON.stringify(r).slice(0, 400);
    },
  },
  {
    name: "measured times are printed and reported",
    test: ({ doc }) => {
      const r = need(doc, "load_seconds", "feature_seconds", "head_seconds", "finetune_seconds", "scratch_seconds");
      return (/読み込み・縮小・切り抜き: [\d.]+ 秒/.test(text(doc)) && /\| [\d.]+ 秒/.test(text(doc)) && r.scratch_seconds > 0) || "times not printed";
    },
  },
  {
    name: "a grid of validation photos with predicted labels (JPEG photos, mistakes in red), and a grid of training photos",
    test: ({ doc }) => {
      const grids = photoGrids(doc);
      const pred = grids.find((g) => g.titles.length >= 12 && g.titles.every((t) => /^正解 (ants|bees) \/ 予測 (ants|bees)$/.test(t)));
      if (!pred) return `photo grids: ${JSON.stringify(grids.map((g) => g.titles.slice(0, 3)))}`;
      const r = need(doc, "grid_wrong");
      return (pred.red === r.grid_wrong && grids.length >= 2) || `grid has ${pred.red} red titles, reported ${r.grid_wrong} mistakes`;
    },
  },
  {
    // issue 20: every accuracy beside the majority-class baseline, the from-scratch run as long as the head, and the
    // markdown's comparisons as relations on the reported values
    name: "baselines and comparisons: the majority-class accuracy (83/153) printed beside every accuracy and as a table row; from scratch trains as many epochs as the head (20, on 112×112 inputs) and, as the markdown says, fits its training data (train ≥ valid + 15 points) but stays within 10 points of the majority baseline; fine-tuning within 2 points of the head alone",
    test: ({ doc }) => {
      const r = need(doc, "majority_valid_acc", "scratch_valid_acc", "scratch_train_acc", "scratch_epochs", "head_epochs", "scratch_size", "frozen_mean_acc", "finetune_mean_acc");
      if (Math.abs(r.majority_valid_acc - 83 / 153) > 1e-12) return `majority baseline ${r.majority_valid_acc}, expected 83/153`;
      const t = text(doc);
      const beside = (t.match(/\(いつも bees と答えるだけなら 54\.2 %\)/g) || []).length;
      if (beside !== 3 || !/基準: いつも bees と答える \(学習なし\) \| 0 \| 0 \| 54\.2 %/.test(t)) return `the majority baseline is printed beside ${beside} of the 3 accuracy lines, or missing from the table`;
      if (!(r.scratch_epochs === r.head_epochs && r.scratch_size === 112)) return `from scratch: ${r.scratch_epochs} epochs at ${r.scratch_size}, the head ${r.head_epochs}`;
      if (!(r.scratch_train_acc >= r.scratch_valid_acc + 0.15 && Math.abs(r.scratch_valid_acc - r.majority_valid_acc) < 0.1)) return `from scratch: train ${r.scratch_train_acc}, valid ${r.scratch_valid_acc}, majority ${r.majority_valid_acc}`;
      if (!(r.frozen_mean_acc >= r.majority_valid_acc + 0.2)) return `the head ${r.frozen_mean_acc} is not far above the majority baseline ${r.majority_valid_acc}`;
      const a = r.scratch_answers;
      if (!Array.isArray(a) || a.length !== 2 || a[0] + a[1] !== 153 || !new RegExp(`検証データ 153 枚への答え: ants ${a[0]} 枚, bees ${a[1]} 枚`).test(t)) return `scratch answers ${JSON.stringify(a)}`;
      return Math.abs(r.finetune_mean_acc - r.frozen_mean_acc) <= 0.02 || `fine-tuned ${r.finetune_mean_acc} vs head ${r.frozen_mean_acc}: the markdown says ほとんど変わりません`;
    },
  },
  claimsCheck(CLAIMS_06, "every number the markdown claims is the reported value (counts exact; accuracies: frozen ± 1.5, fine-tuned ± 2 points; from scratch as relations, above)"),
  percentsCovered(CLAIMS_06),
];

// 07: the PyTorch CIFAR-10 tutorial's network. The tutorial reports about 54 % after 2 epochs of batch 4; here
// batch 32, lr 0.01, 3 epochs (the markdown says why). Test accuracy ≥ 0.50 over the 10,000 test images.
const CLAIMS_07 = [
  { key: "params", text: "パラメータ 62,006 個" },
  { key: "test_acc", text: "テスト正解率は 57.4 %", scale: 100, tol: 2 },
  { key: "epoch_test_acc.1", text: "後は 52.8 %", scale: 100, tol: 4 }, // one run: 52.8 where it was measured, 50.66 natively on an AMD EPYC
  { text: "およそ 54 %", source: "PyTorch's CIFAR-10 tutorial (Training a Classifier)" },
  { text: "でたらめに答えると 10 %", source: "1 of 10 classes" },
];

checks["07_cifar10.ipynb"] = [
  {
    name: "data: 50,000 training and 10,000 test images 32×32×3 in the 10 classes, and the notebook prints which data it used",
    test: ({ doc }) => {
      const r = need(doc, "n_train", "n_test");
      if (r.n_train !== 50000 || r.n_test !== 10000) return `${r.n_train} / ${r.n_test}`;
      if (!["binary", "jpeg"].includes(r.data_source)) return `data_source ${r.data_source}`;
      const line = r.data_source === "jpeg" ? /使ったデータ: CIFAR-10 の JPEG コピー/ : /使ったデータ: CIFAR-10 のオリジナル/;
      return line.test(text(doc)) || "the line saying which data was used is missing or disagrees with data_source";
    },
  },
  {
    name: "the tutorial's network (conv 3→6 5×5, pool, conv 6→16 5×5, fc 120, 84, 10: 62,006 parameters), trained ≥ 2 epochs, test accuracy ≥ 0.50",
    test: ({ doc }) => {
      const r = need(doc, "params", "epochs", "test_acc");
      const e = r.epoch_test_acc;
      const ok = r.params === 62006 && r.epochs >= 2 && Array.isArray(e) && e.length === r.epochs && r.test_acc === e[e.length - 1] && r.test_acc >= 0.5;
      return ok || JSON.stringify({ params: r.params, epochs: r.epochs, acc: e });
    },
  },
  {
    name: "per-class accuracy table: 10 classes of 1,000 test images each, adding up to the overall accuracy; a few predictions shown",
    test: ({ doc }) => {
      const r = need(doc, "predicted_correct", "test_acc", "shown_predictions");
      const a = r.per_class_acc, n = r.per_class_total;
      if (!Array.isArray(a) || a.length !== 10 || JSON.stringify(n) !== JSON.stringify(Array(10).fill(1000))) return `per class ${JSON.stringify(a)} of ${JSON.stringify(n)}`;
      const lines = (text(doc).match(/^Accuracy for class: \S+ +is [\d.]+ %/gm) || []).length;
      if (lines !== 10) return `${lines} per-class lines`;
      if (r.predicted_correct !== Math.round(r.test_acc * 10000)) return `per-class correct ${r.predicted_correct} vs accuracy ${r.test_acc}`;
      const grid = photoGrids(doc).find((g) => g.titles.length === r.shown_predictions && g.titles.every((t) => /^正解 \w+ \/ 予測 \w+$/.test(t)));
      return (grid && /^GroundTruth: /m.test(text(doc)) && /^Predicted: /m.test(text(doc))) || "no grid of predictions / GroundTruth and Predicted lines";
    },
  },
  {
    name: "measured times printed and reported",
    test: ({ doc }) => {
      const r = need(doc, "load_seconds", "train_seconds");
      return (r.train_seconds > 0 && /Finished Training: \d+ エポック [\d.]+ 秒/.test(text(doc))) || "no training time";
    },
  },
  {
    // issue 20: 「クラスによって大きく違い」 is a comparison too: the best and the worst class differ by ≥ 15 points, printed
    name: "per-class accuracies differ widely, as the summary says (best − worst ≥ 15 points), and the difference is printed",
    test: ({ doc }) => {
      const a = reports(doc).per_class_acc;
      if (!Array.isArray(a) || a.length !== 10) return `per_class_acc ${JSON.stringify(a)}`;
      const spread = 100 * (Math.max(...a) - Math.min(...a));
      const line = text(doc).match(/^いちばん良いクラス: .*, 差 ([\d.]+) ポイント$/m);
      if (!line || line[1] !== spread.toFixed(1)) return `printed ${line && line[0]}, computed ${spread.toFixed(1)}`;
      return spread >= 15 || `best − worst = ${spread.toFixed(1)} points: 「大きく違い」 is not what the run shows`;
    },
  },
  claimsCheck(CLAIMS_07, "every number the markdown claims is the reported value (accuracies ± 2 points) or a stated outside figure"),
  percentsCovered(CLAIMS_07),
];

// 08: vanishing gradients and skip connections, measured on 10,000 MNIST training images (seeded; numbers from a run
// on the 2-core CI machine). Thresholds from that run: ReLU's first-layer gradient was 1.34e4 × sigmoid's (10 layers,
// He init) — the check asks ≥ 100×; after 300 steps the 20-layer plain network stayed at 2.306 (ln 10 = 2.303) while
// the residual one reached 0.529 (with batch norm: 0.855 vs 0.385).
const CLAIMS_08 = [
  // losses after 300 steps are one native run's (the markdown says so); another CPU's or backend's arithmetic differs in
  // the last digits, which 300 steps of SGD with momentum turn into a few hundredths (wasm measured ≤ 0.11 away; the
  // native backend on an AMD EPYC 0.073 for residual + BN): ± 0.2 on any machine, the comparisons checked below
  { text: "21.4 %", source: "PyTorch 2.13 (PYTORCH_MLP of 02, lr 0.01)" },
  { key: "net02_ratio", text: "39.6 倍", tol: 2 },
  { key: "act_first.sigmoid", text: "シグモイドで 1.51e-4", tol: 2e-5 },
  { key: "act_first.tanh", text: "tanh で 4.07", tol: 0.1 },
  { key: "act_first.relu", text: "ReLU で 2.02", tol: 0.1 },
  { key: "relu_over_sigmoid", text: "約 1.3 万倍", scale: 1e-4, tol: 0.2 },
  { key: "act_loss_end.sigmoid", text: "シグモイドが 2.311", tol: 0.2 },
  { key: "act_loss_end.tanh", text: "tanh が 0.320", tol: 0.2 },
  { key: "act_loss_end.relu", text: "ReLU が 0.415", tol: 0.2 },
  { key: "relu_default_first", text: "勾配は 4.40e-4 まで", tol: 5e-5 },
  { key: "skip.plain.params", text: "residual も 125,770 個" },
  { key: "skip.plain_bn.params", text: "どちらも 128,202 個" },
  { key: "skip.plain.first", text: "勾配が 4.73e-8 しかなく", tol: 1e-8 },
  { key: "skip.plain.loss_end", text: "訓練損失は 2.306 で", tol: 0.2 },
  { key: "skip.residual.first", text: "勾配が 0.75 あり", tol: 0.05 },
  { key: "skip.residual.loss_end", text: "訓練損失は 0.529 まで", tol: 0.2 },
  { key: "skip.plain_bn.loss_end", text: "訓練損失は 0.855 まで", tol: 0.2 },
  { key: "skip.residual_bn.loss_end", text: "residual + BN が 0.385", tol: 0.2 },
  // the tanh and ReLU gradients grow toward the input (the direction is checked below): output-side layer 10 → layer 1
  { key: "act_last.tanh", text: "tanh は 0.85 → 4.07", tol: 0.1 },
  { key: "act_last.relu", text: "ReLU は 0.65 → 2.02", tol: 0.1 },
  { key: "vgg16_params", text: "が 138,357,544 個" },
  { key: "vgg16_fc1_params", text: "約 1 億個", scale: 1e-8, tol: 0.05 },
  { key: "resnet34_params", text: "が 21,797,672 個" },
  { key: "googlenet_params", text: "が 6,624,904 個" },
  { text: "92.7 %", source: "the slide (VGG16's top-5 accuracy)" },
  { text: "VGG (7.3 %)", source: "ILSVRC 2014, as 01 (CLAIMS_01 vgg_2014)" },
  { text: "GoogLeNet (6.7 %)", source: "ILSVRC 2014, as 01 (CLAIMS_01)" },
  { text: "ResNet (3.57 %)", source: "ILSVRC 2015, as 01 (CLAIMS_01)" },
];

checks["08_deep_networks.ipynb"] = [
  {
    name: "set-up: 10,000 training images, 300 steps of 64, 10 layers for the activations and 20 for plain vs residual",
    test: ({ doc }) => {
      const r = need(doc, "n_images", "steps", "batch_size", "depth", "depth2");
      return (r.n_images === 10000 && r.steps === 300 && r.batch_size === 64 && r.depth === 10 && r.depth2 === 20) || JSON.stringify({ n: r.n_images, steps: r.steps, b: r.batch_size, d: r.depth, d2: r.depth2 });
    },
  },
  {
    name: "vanishing gradients: with sigmoid the first layer's gradient norm is ≥ 100× smaller than with ReLU (measured 1.3e4×), sigmoid's norms shrink toward the input while tanh's and ReLU's grow toward it (as the markdown says), and sigmoid does not learn in 300 steps while ReLU and tanh do",
    test: ({ doc }) => {
      const r = need(doc, "act_first.sigmoid", "act_first.relu", "act_loss_end.sigmoid", "act_loss_end.relu", "act_loss_end.tanh", "relu_over_sigmoid");
      const s = r.act_norms && r.act_norms.sigmoid;
      if (!Array.isArray(s) || s.length !== 10 || !Array.isArray(r.act_norms.relu) || r.act_norms.relu.length !== 10) return `per-layer norms ${JSON.stringify(r.act_norms)}`;
      if (!(r.act_first.relu >= 100 * r.act_first.sigmoid)) return `first layer: relu ${r.act_first.relu}, sigmoid ${r.act_first.sigmoid}`;
      if (Math.abs(r.relu_over_sigmoid - r.act_first.relu / r.act_first.sigmoid) > 1e-6 * r.relu_over_sigmoid) return "relu_over_sigmoid is not the ratio of the reported norms";
      if (!(s[0] * 100 < s[9])) return `sigmoid: first ${s[0]}, last ${s[9]}`;
      // the markdown says the tanh and ReLU lines rise toward the input (layer 10 → layer 1)
      const al = r.act_last ?? {};
      if (!(r.act_first.tanh > al.tanh && r.act_first.relu > al.relu)) return `tanh ${al.tanh} → ${r.act_first.tanh}, ReLU ${al.relu} → ${r.act_first.relu} (layer 10 → layer 1): the markdown says they grow toward the input`;
      const l = r.act_loss_end;
      return (l.sigmoid > 2.2 && l.relu < 1.0 && l.tanh < 1.0) || `losses after 300 steps ${JSON.stringify(l)}`;
    },
  },
  {
    name: "skip connections: plain and residual have equal parameter counts (within 1 %), the residual network's training loss after 300 steps is below the plain one's, with and without batch norm; batch norm lowers plain's; residual + BN is the lowest of the four",
    test: ({ doc }) => {
      const r = need(doc, "skip.plain.loss_end", "skip.residual.loss_end", "skip.plain_bn.loss_end", "skip.residual_bn.loss_end", "skip.plain.params", "skip.residual.params", "skip.plain_bn.params", "skip.residual_bn.params");
      const k = r.skip;
      const close = (a, b) => Math.abs(a - b) <= 0.01 * a;
      if (!close(k.plain.params, k.residual.params) || !close(k.plain_bn.params, k.residual_bn.params)) return `params ${JSON.stringify([k.plain.params, k.residual.params, k.plain_bn.params, k.residual_bn.params])}`;
      if (!(k.residual.loss_end < k.plain.loss_end)) return `residual ${k.residual.loss_end} vs plain ${k.plain.loss_end}`;
      if (!(k.residual_bn.loss_end < k.plain_bn.loss_end)) return `residual + BN ${k.residual_bn.loss_end} vs plain + BN ${k.plain_bn.loss_end}`;
      // the markdown: batch norm brings plain down; residual + BN is the lowest of the four
      if (!(k.plain_bn.loss_end < k.plain.loss_end)) return `plain + BN ${k.plain_bn.loss_end} vs plain ${k.plain.loss_end}`;
      if (![k.plain, k.residual, k.plain_bn].every((o) => k.residual_bn.loss_end < o.loss_end)) return `residual + BN ${k.residual_bn.loss_end} is not the lowest of ${JSON.stringify(k)}`;
      const n = r.skip_norms;
      return (n && [n.plain, n.residual, n.plain_bn, n.residual_bn].every((a) => Array.isArray(a) && a.length === 20)) || "per-layer norms of the 20-layer networks not reported";
    },
  },
  {
    name: "figures: gradient norms per layer on a log axis beside the training-loss curves, for both experiments",
    test: ({ doc }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).map((o) => o.data["application/vnd.plotly.v1+json"]);
      if (figs.length !== 2) return `${figs.length} figures`;
      const logs = figs.map((f) => Object.entries(f.layout).filter(([k, a]) => /^yaxis/.test(k) && a && a.type === "log").length);
      const traces = figs.map((f) => f.data.length);
      return (JSON.stringify(logs) === "[1,1]" && JSON.stringify(traces) === "[6,8]") || `log axes ${JSON.stringify(logs)}, traces ${JSON.stringify(traces)}`;
    },
  },
  {
    name: "architectures: VGG16, GoogLeNet and ResNet-34 built from the library's modules have torchvision's parameter totals (138,357,544, 6,624,904 without auxiliary heads, 21,797,672), with a stage table and one timed forward pass each",
    test: ({ doc }) => {
      const r = need(doc, "vgg16_params", "resnet34_params", "vgg16_seconds", "resnet34_seconds");
      if (r.vgg16_params !== 138357544 || r.resnet34_params !== 21797672 || r.googlenet_params !== 6624904) return `params ${r.vgg16_params} / ${r.resnet34_params} / ${r.googlenet_params}`;
      if (r.inception_channels !== 256) return `Inception 3a gives ${r.inception_channels} channels`;
      // the markdown: most of VGG16's parameters are in its three fully connected layers, the first holds about 1e8;
      // ResNet-34 has less than a sixth of VGG16's parameters
      if (!(r.vgg16_fc_params > r.vgg16_params / 2 && r.vgg16_fc1_params === 512 * 7 * 7 * 4096 + 4096)) return `VGG16 fully connected ${r.vgg16_fc_params}, first ${r.vgg16_fc1_params}`;
      if (!(6 * r.resnet34_params < r.vgg16_params)) return `ResNet-34 ${r.resnet34_params} is not under a sixth of VGG16 ${r.vgg16_params}`;
      const t = text(doc);
      const ok = /VGG16: パラメータ 138,357,544 個, 1 枚の順伝播 [\d.]+ 秒/.test(t) && /ResNet-34: パラメータ 21,797,672 個, 1 枚の順伝播 [\d.]+ 秒/.test(t) && /GoogLeNet: パラメータ 6,624,904 個, 1 枚の順伝播 [\d.]+ 秒/.test(t) && /段 4 \(残差ブロック ×3, 512\) +→ \[1, 7, 7, 512/.test(t);
      return (ok && r.vgg16_seconds > 0 && r.resnet34_seconds > 0) || "stage table or timing lines missing";
    },
  },
  claimsCheck(CLAIMS_08),
  percentsCovered(CLAIMS_08),
];
// 演習9: the student version leaves it 未解答; the solution's residual network is ✔ (graded on the model itself)
const ex9Line = (doc) => exerciseLines(doc).filter((e) => e.n === 9);
checks["solutions/08_deep_networks.ipynb"] = [
  ...checks["08_deep_networks.ipynb"],
  {
    name: "solution version: 演習9 passes (the residual network's loss, measured again by the checker, is below 1.0)",
    test: ({ doc }) => {
      const ex = ex9Line(doc);
      return (ex.length === 1 && ex[0].status === "✔" && /損失 0\.\d{3}/.test(ex[0].rest)) || `演習9 lines: ${JSON.stringify(ex)}`;
    },
  },
];
checks["08_deep_networks.ipynb"].push({
  name: "student version: 演習9 reports 未解答, nothing fails",
  test: ({ doc }) => {
    const ex = ex9Line(doc);
    return (ex.length === 1 && ex[0].status === "未解答") || `演習9 lines: ${JSON.stringify(ex)}`;
  },
});

/** Seconds each code cell took (nbclient records when it went busy and idle). */
function cellSeconds(doc) {
  return doc.cells
    .map((c, i) => ({ i, e: c.metadata?.execution }))
    .filter(({ e }) => e && e["iopub.status.busy"] && e["iopub.status.idle"])
    .map(({ i, e }) => ({ cell: i, seconds: (Date.parse(e["iopub.status.idle"]) - Date.parse(e["iopub.status.busy"])) / 1000 }));
}

/**
 * Applies the common checks and the notebook's own (`rel`: its path under notebooks/, e.g. "solutions/04_mnist_conv.ipynb")
 * to ctx = { doc, html, name, backend }: one { name, ok, detail } per check; a check that throws fails with its stack.
 * scripts/run-notebooks.js and test/hub/check-notebooks.js both use it. ctx.edition "site" (test/site: the notebook
 * as JupyterLab in the browser has it, no html, ctx.drawn = figures drawn in the page) uses a check's `site` variant
 * where it has one: the same assertion read from what the site records instead of nbconvert's.
 */
function runChecks(ctx, rel) {
  return [...common, ...(checks[rel] ?? [])].map((c) => {
    let r;
    try {
      r = ctx.edition === "site" && c.site ? c.site(ctx) : c.test(ctx);
    } catch (e) {
      r = `check threw: ${e && e.stack ? e.stack : e}`;
    }
    return { name: c.name, ok: r === true, detail: r === true ? "" : String(r) };
  });
}

// ---------------------------------------------------------------- the views in 04, 05 and 07 (issue 24; lib/core/plot/views.ts)
// drawDigit (04 after training, 05 after the feature maps) and confusionView (04 after 演習7's check, 07 after its
// confusion matrix): each output carries its view, a static fallback, and no weights (they are read from the model
// file); and every notebook stays under 2 MB.
const DRAW_DIGIT_MIME = "application/vnd.lecture3.draw-digit+json";
const CONFUSION_VIEW_MIME = "application/vnd.lecture3.confusion+json";
const viewOutputs = (doc, mime) => outputs(doc).filter((o) => o.data && o.data[mime]);
common.push({
  name: "the saved notebook is under 2 MB (its JSON as nbformat writes it: indent 1, UTF-8)",
  test: ({ doc }) => {
    const bytes = Buffer.byteLength(JSON.stringify(doc, null, 1));
    return bytes < 2e6 || `${(bytes / 1e6).toFixed(2)} MB`;
  },
  // the site: the notebook as the page holds it also carries the PNG snapshot that JupyterLab's plotly renderer adds
  // beside each figure it drew (image/png next to the plotly JSON; not the kernel's output, and a local JupyterLab
  // adds it too when a student saves); the size checked is the kernel's outputs', as nbconvert's run has them
  site: ({ doc }) => {
    const kernels = { ...doc, cells: doc.cells.map((c) => (c.outputs ? { ...c, outputs: c.outputs.map((o) => {
      if (!o.data || !o.data["application/vnd.plotly.v1+json"] || !o.data["image/png"]) return o;
      const { ["image/png"]: _snapshot, ...data } = o.data;
      return { ...o, data };
    }) } : c)) };
    const bytes = Buffer.byteLength(JSON.stringify(kernels, null, 1));
    return bytes < 2e6 || `${(bytes / 1e6).toFixed(2)} MB without the plotly renderer's PNG snapshots`;
  },
});
/** One drawDigit view reading its weights from `file` (a function of the doc), offering the first test image of each digit, conv1's `filters` filters. */
function drawDigitCheck(file, filters) {
  return {
    name: `drawDigit's view: one output, weights read from the saved model file (none inline), the first test image of each digit 0-9 to choose, conv1's ${filters} filters, an HTML fallback`,
    test: ({ doc }) => {
      const outs = viewOutputs(doc, DRAW_DIGIT_MIME);
      if (outs.length !== 1) return `${outs.length} drawDigit outputs`;
      const d = outs[0].data[DRAW_DIGIT_MIME];
      const want = file(doc);
      if (d.file !== want) return `weights from ${d.file}, expected ${want}`;
      const inline = d.graph.constants.filter((c) => c.data !== undefined);
      const bytes = JSON.stringify(outs[0].data).length;
      if (inline.some((c) => c.shape.reduce((a, b) => a * b, 1) > 100) || bytes > 30000) return `${inline.length} constants inline, the output is ${bytes} bytes`;
      const ex = d.examples;
      if (!ex || ex.label.join() !== "0,1,2,3,4,5,6,7,8,9" || new Set(ex.index).size !== 10 || Buffer.from(ex.pixels, "base64").length !== 7840) return `examples ${JSON.stringify(ex && { index: ex.index, label: ex.label })}`;
      const conv = d.graph.kernels.find((k) => k.name === "Conv2D");
      const id = conv && conv.inputs.find(([n]) => n === "filter")[1];
      const w = d.graph.constants.find((c) => c.id === id);
      if (!w || w.shape.join() !== `3,3,1,${filters}`) return `conv1's filter ${JSON.stringify(w && w.shape)}`;
      return [].concat(outs[0].data["text/html"] ?? []).join("").includes("lecture3-draw-digit-fallback") || "no HTML fallback";
    },
  };
}
/** One confusionView output over the 10,000 test images whose accuracy is the reported `acc`. */
function confusionViewCheck(acc, extra) {
  return {
    name: `confusionView's view: one output, the 10,000 test images' matrix, its accuracy equal to the reported ${acc}, a table as its HTML fallback`,
    test: (ctx) => {
      const outs = viewOutputs(ctx.doc, CONFUSION_VIEW_MIME);
      if (outs.length !== 1) return `${outs.length} confusionView outputs`;
      const d = outs[0].data[CONFUSION_VIEW_MIME];
      const total = d.matrix.flat().reduce((a, b) => a + b, 0);
      const right = d.matrix.reduce((s, row, t) => s + row[t], 0);
      const r = need(ctx.doc, acc);
      const got = valueAt(r, acc);
      if (d.matrix.length !== 10 || total !== 10000 || !(Math.abs(right / total - got) <= 1e-4)) return `${d.matrix.length} rows, ${total} images, accuracy ${right / total} vs reported ${got}`;
      if (![].concat(outs[0].data["text/html"] ?? []).join("").includes("<table")) return "no table as the HTML fallback";
      return extra(d, ctx);
    },
  };
}
const model04File = (doc) => (fullData(doc, 60000) ? "models/cnn.json" : "models/cnn_small.json");
const mostWrong = (d) => Math.max(...d.matrix.flatMap((row, t) => row.filter((_, p) => p !== t)));
for (const nb of ["04_mnist_conv.ipynb", "solutions/04_mnist_conv.ipynb"]) {
  // trained on all 60,000 images (~99 %), every wrong image travels; on the WebAssembly backend's subset (≥ 93 %, up
  // to ~700 wrong) the first few of each wrong cell do
  checks[nb].push(drawDigitCheck(model04File, 32), confusionViewCheck("cnn_test_acc", (d, { doc }) => (fullData(doc, 60000) ? d.limit.wrong >= mostWrong(d) : d.limit.wrong >= 1) || `only ${d.limit.wrong} images a wrong cell travel; the largest has ${mostWrong(d)}`));
}
checks["05_conv_pooling.ipynb"].push(drawDigitCheck((doc) => (need(doc, "train_images_used").train_images_used === 60000 ? "models/cnn.json" : "models/cnn_05.json"), 32));
checks["07_cifar10.ipynb"].push(
  confusionViewCheck("test_acc", (d, { doc }) => {
    // the markdown: colour images of 3,072 bytes, the first 4 of each right cell; the matrix is the one plotted above it
    const r = need(doc, "most_confused_count");
    let [t, p, n] = [0, 0, -1];
    d.matrix.forEach((row, i) => row.forEach((c, j) => i !== j && c > n && ([t, p, n] = [i, j, c])));
    const ok = d.shape.join() === "32,32,3" && d.limit.correct === 4 && d.limit.wrong >= 1 && n === r.most_confused_count && d.classes[t] === r.most_confused[0] && d.classes[p] === r.most_confused[1];
    return ok || JSON.stringify({ shape: d.shape, limit: d.limit, largest: [d.classes[t], d.classes[p], n], reported: [r.most_confused, r.most_confused_count] });
  }),
);

module.exports = { runChecks, cellSeconds, checks, common, text, numbers, within, outputs, reports, need, markdown, claimsCheck, percentsCovered, REPORT_MIME };
