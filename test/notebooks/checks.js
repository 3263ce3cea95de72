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

/** [train %, test %, gap] from a line "<name>: 訓練 a % / テスト b % (差 c ポイント)". */
function run(doc, name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = text(doc).match(new RegExp(`${esc}\\s*: 訓練 ([\\d.]+) % / テスト ([\\d.]+) % \\(差 (-?[\\d.]+) ポイント\\)`));
  return m ? m.slice(1, 4).map(Number) : null;
}

checks["03_generalization.ipynb"] = [
  {
    name: "over-fitting is provoked: train accuracy ≥ 95 % on 1,000 images, gap > 5 points",
    test: ({ doc }) => {
      const b = run(doc, "対策なし");
      return (b && b[0] >= 95 && b[2] > 5) || `対策なし: ${b}`;
    },
  },
  {
    name: "dropout shrinks the train/test gap",
    test: ({ doc }) => {
      const b = run(doc, "対策なし"), d = run(doc, "ドロップアウト");
      return (b && d && d[2] < b[2]) || `gap without ${b && b[2]}, with ${d && d[2]}`;
    },
  },
  {
    name: "weight decay shrinks the gap and the Frobenius norm, more with larger λ",
    test: ({ doc }) => {
      const b = run(doc, "正則化 λ = 0    "), w1 = run(doc, "正則化 λ = 0.003"), w2 = run(doc, "正則化 λ = 0.01 ");
      const norms = [...text(doc).matchAll(/‖W‖_F = ([\d.]+)/g)].map((m) => Number(m[1]));
      if (norms.length !== 3 || !(norms[1] < norms[0] && norms[2] < norms[1])) return `norms ${norms}`;
      return (b && w1 && w2 && w1[2] < b[2] && w2[2] < w1[2]) || `gaps λ=0: ${b && b[2]}, 0.003: ${w1 && w1[2]}, 0.01: ${w2 && w2[2]}`;
    },
  },
  {
    name: "batch normalization lowers the first-epoch loss",
    test: ({ doc }) => {
      const m = text(doc).match(/1 エポック後の訓練損失: BN なし ([\d.]+), BN あり ([\d.]+)/);
      return (m && Number(m[2]) < Number(m[1])) || `line: ${m && m[0]}`;
    },
  },
  {
    name: "early stopping stops patience epochs after its best epoch and restores that epoch",
    test: ({ doc }) => {
      const m = text(doc).match(/早期停止: エポック (\d+) で停止 \(最大 40\), 検証損失が最小のエポック (\d+)/);
      if (!m) return "no early-stopping line";
      const [stop, best] = [Number(m[1]), Number(m[2])];
      return (best < stop && (stop === 40 || stop - best === 3)) || `stopped at ${stop}, best ${best}`;
    },
  },
  {
    name: "more training data: test accuracy rises and the gap shrinks from 500 to 4,000 images",
    test: ({ doc }) => {
      const rows = [...text(doc).matchAll(/訓練\s+(\d+) 枚: 訓練 ([\d.]+) % \/ テスト ([\d.]+) % \(差 (-?[\d.]+) ポイント\)/g)].map((m) => m.slice(1).map(Number));
      if (rows.length !== 4) return `${rows.length} size rows`;
      const first = rows[0], last = rows[3];
      return (last[2] > first[2] && last[3] < first[3]) || `500: ${first}, 4000: ${last}`;
    },
  },
];

// PyTorch 2.13, the seed's CNN, SGD lr 0.1, batch 100, real MNIST: test accuracy after epochs 1, 2, 3.
const PYTORCH_CNN = [96.95, 97.89, 98.23];

function cnnEpochs(doc) {
  return [...text(doc).matchAll(/CNN epoch (\d): train loss [\d.]+ acc [\d.]+% \| test loss [\d.]+ acc ([\d.]+)% \((\d+)\/(\d+)\)/g)].map((m) => ({
    epoch: Number(m[1]), acc: Number(m[2]), count: Number(m[4]),
  }));
}

function exerciseLines(doc) {
  return [...text(doc).matchAll(/^演習(\d): (✔|✘|未解答)(.*)$/gm)].map((m) => ({ n: Number(m[1]), status: m[2], rest: m[3] }));
}

checks["04_mnist_conv.ipynb"] = [
  {
    name: "CNN trained 3 epochs on full MNIST, each epoch's test accuracy over 10,000 images within 1 point of PyTorch (96.95 / 97.89 / 98.23 %)",
    test: ({ doc }) => {
      const e = cnnEpochs(doc);
      if (e.length !== 3) return `${e.length} CNN epoch lines (the student version must train, not load)`;
      const bad = e.filter((r, i) => r.count !== 10000 || Math.abs(r.acc - PYTORCH_CNN[i]) > 1.0);
      return bad.length === 0 || `epochs: ${e.map((r) => `${r.epoch}: ${r.acc}% of ${r.count}`).join(", ")} vs ${PYTORCH_CNN.join(", ")}`;
    },
  },
  {
    name: "student version: every exercise 1-8 reports 未解答, none fails, and the summary runs",
    test: ({ doc }) => {
      const ex = exerciseLines(doc);
      const ns = ex.map((e) => e.n).join(",");
      if (ns !== "1,2,3,4,5,6,7,8") return `exercise lines for ${ns}`;
      const notEmpty = ex.filter((e) => e.status !== "未解答");
      return (notEmpty.length === 0 && /演習1 未解答 \|/.test(text(doc))) || `not 未解答: ${notEmpty.map((e) => `演習${e.n} ${e.status}`).join(", ")}`;
    },
  },
];

checks["solutions/04_mnist_conv.ipynb"] = [
  {
    name: "solution version: every exercise 1-8 passes its check (✔)",
    test: ({ doc }) => {
      const ex = exerciseLines(doc);
      const ok = ex.filter((e) => e.status === "✔").map((e) => e.n).join(",");
      return ok === "1,2,3,4,5,6,7,8" || `✔ for ${ok}; others: ${ex.filter((e) => e.status !== "✔").map((e) => `演習${e.n} ${e.status}${e.rest}`).join(" | ")}`;
    },
  },
  {
    name: "the CNN it uses reaches within 1 point of PyTorch's 3-epoch 98.23 % on 10,000 test images",
    test: ({ doc }) => {
      const m = text(doc).match(/CNN のテスト正解率 = ([\d.]+) % \((\d+) \/ (\d+)\)/);
      return (m && m[3] === "10000" && Math.abs(Number(m[1]) - 98.23) <= 1.0) || `line: ${m && m[0]}`;
    },
  },
  {
    name: "MLP and CNN side by side: CNN has fewer parameters and higher accuracy",
    test: ({ doc }) => {
      const mlp = text(doc).match(/MLP\s+([\d,]+)\s+([\d.]+) %/), cnn = text(doc).match(/CNN\s+([\d,]+)\s+([\d.]+) %/);
      if (!mlp || !cnn) return "table rows missing";
      const num = (s) => Number(s.replace(/,/g, ""));
      return (num(cnn[1]) === 1199882 && num(mlp[1]) === 1238730 && Number(cnn[2]) > Number(mlp[2])) || `${mlp[0]} / ${cnn[0]}`;
    },
  },
];

checks["05_conv_pooling.ipynb"] = [
  {
    name: "convolution by loop equals tf.conv2d (one and several channels); max pooling by loop equals tf.maxPool",
    test: ({ doc }) => {
      const t = text(doc);
      const d1 = t.match(/ループと tf\.conv2d の最大の差 = ([\d.e+-]+)/), d2 = t.match(/複数チャネル: ループと tf\.conv2d の最大の差 = ([\d.e+-]+)/);
      if (!d1 || !d2) return "difference lines missing";
      if (!(Number(d1[1]) === 0 && Number(d2[1]) < 1e-5)) return `${d1[0]} / ${d2[0]}`;
      return t.includes("y11 = -4") && t.includes("プーリング: ループと tf.maxPool は 一致") || "y11 or pooling line wrong";
    },
  },
  {
    name: "shows the trained CNN's 32 kernels, a digit's 32 feature maps and a Gabor bank",
    test: ({ doc }) => {
      const figs = outputs(doc).filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).map((o) => o.data["application/vnd.plotly.v1+json"]);
      const counts = figs.map((f) => f.data.length);
      const pngs = outputs(doc).filter((o) => o.data && o.data["image/png"]).length;
      return (counts.filter((c) => c === 32).length >= 2 && counts.includes(8) && pngs >= 1) || `traces per figure ${counts}, png ${pngs}`;
    },
  },
];

/** Seconds each code cell took (nbclient records when it went busy and idle). */
function cellSeconds(doc) {
  return doc.cells
    .map((c, i) => ({ i, e: c.metadata?.execution }))
    .filter(({ e }) => e && e["iopub.status.busy"] && e["iopub.status.idle"])
    .map(({ i, e }) => ({ cell: i, seconds: (Date.parse(e["iopub.status.idle"]) - Date.parse(e["iopub.status.busy"])) / 1000 }));
}

module.exports = { cellSeconds, checks, common, text, numbers, within, outputs };
