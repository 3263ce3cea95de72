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

const common = [
  {
    name: "no error output",
    test: ({ doc }) => {
      const errs = outputs(doc).filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr" && /Error|error TS/.test([].concat(o.text).join(""))));
      return errs.length === 0 || `error outputs: ${errs.map((o) => o.ename || [].concat(o.text).join("").slice(0, 300)).join(" | ")}`;
    },
  },
  {
    name: "every code cell ran",
    test: ({ doc }) => {
      // tslab leaves execution_count empty; nbclient records when each cell went busy and idle
      const notRun = doc.cells.filter((c) => c.cell_type === "code" && c.source.length > 0 && !c.metadata?.execution?.["iopub.status.idle"]);
      return notRun.length === 0 || `${notRun.length} code cells were not executed`;
    },
  },
  {
    name: "backend cell prints tensorflow and TensorFlow 2.21.0",
    test: ({ doc }) => {
      const first = doc.cells.find((c) => c.cell_type === "code");
      const t = (first.outputs ?? []).map((o) => [].concat(o.text ?? o.data?.["text/plain"] ?? "").join("")).join("");
      const want = process.env.TFJS_BACKEND && process.env.TFJS_BACKEND !== "tensorflow" && process.env.TFJS_BACKEND !== "auto" ? null : /backend: tensorflow \| tfjs 4\.22\.0 \| TensorFlow 2\.21\.0 \| device: /;
      if (!/^backend: /.test(t)) return `first code cell printed ${JSON.stringify(t.slice(0, 200))}`;
      return want === null || want.test(t) || `first code cell printed ${JSON.stringify(t.slice(0, 200))}`;
    },
  },
  {
    name: "no TensorFlow C++ log lines in outputs",
    test: ({ doc }) => !/cpu_feature_guard|absl::InitializeLog|oneDNN custom operations/.test(text(doc)) || "TensorFlow log lines reached the notebook",
  },
  {
    name: "plots: plotly JSON for JupyterLab and an HTML twin for nbconvert, no CDN",
    test: ({ doc, html }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]);
      if (figs.length === 0) return true; // notebooks without plots
      const noHtml = figs.filter((o) => !o.data["text/html"]);
      if (noHtml.length) return `${noHtml.length} plotly outputs without text/html`;
      if (/cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com/.test(html)) return "HTML export references a CDN";
      const divs = (html.match(/Plotly\.newPlot/g) ?? []).length;
      return divs >= figs.length || `HTML export draws ${divs} plots for ${figs.length} figures`;
    },
  },
];

const checks = {
  "01_imagenet.ipynb": [
    {
      name: "top-k worked example: top-1 0.25, top-3 0.50, top-5 0.75 (error 0.25), tf.topk agrees",
      test: ({ doc }) => {
        const t = text(doc);
        const want = ["トップ1 正解率 = 0.25", "トップ3 正解率 = 0.50", "トップ5 正解率 = 0.75, トップ5 誤り率 = 0.25", "tf.topk によるトップ5 正解率 = 0.75"];
        const missing = want.filter((w) => !t.includes(w));
        return missing.length === 0 || `missing: ${missing.join(" | ")}`;
      },
    },
    {
      name: "ILSVRC chart: 2010-2015 winners, VGG and the human line",
      test: ({ doc }) => {
        const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]);
        if (figs.length !== 1) return `${figs.length} plotly figures`;
        const fig = figs[0].data["application/vnd.plotly.v1+json"];
        const ys = fig.data[0].y;
        const want = [28.2, 25.8, 16.4, 11.7, 6.7, 7.3, 3.57];
        if (JSON.stringify(ys) !== JSON.stringify(want)) return `bars ${JSON.stringify(ys)}`;
        return (fig.layout.shapes ?? []).some((s) => s.y0 === 5.1) || "no human line at 5.1 %";
      },
    },
  ],
  "02_mnist_mlp.ipynb": [
    {
      name: "prints the running loss every 100 mini-batches (18 lines for 3 epochs)",
      test: ({ doc }) => {
        const n = numbers(doc, String.raw`\[\s*(\d+)\] loss: \d`).length;
        return n === 18 || `${n} loss lines`;
      },
    },
    {
      name: "test accuracy over exactly 10,000 images, within 1 point of PyTorch (89.3 % at lr 0.5)",
      test: ({ doc }) => {
        const m = text(doc).match(/accuracy = ([\d.]+) \((\d+) \/ (\d+)\)/);
        if (!m) return "no 'accuracy = … (correct / count)' line";
        if (m[3] !== "10000") return `count is ${m[3]}, not 10000`;
        return within("accuracy %", 100 * parseFloat(m[1]), 89.3, 1.0);
      },
    },
    {
      name: "evaluate() agrees with the explicit loop",
      test: ({ doc }) => {
        const t = text(doc);
        const a = t.match(/accuracy = ([\d.]+) \((\d+) \/ 10000\)/);
        const b = t.match(/evaluate\(\): loss [\d.]+, accuracy [\d.]+ \((\d+) \/ 10000\)/);
        return (a && b && a[2] === b[1]) || `explicit ${a && a[2]} vs evaluate() ${b && b[1]}`;
      },
    },
  ],
};

module.exports = { checks, common, text, numbers, within, outputs };
