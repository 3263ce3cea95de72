// The figure builders are pure: plain {data, layout} JSON, checked here without a kernel or a display.
import * as fs from "fs";
import * as path from "path";
import { ImageDataset } from "../lib/core/data/dataset";
import * as plot from "../lib/core/plot/figures";
import * as face from "../lib/core/plot";
import { history } from "./plot-history";

describe("figure builders", () => {
  test("lineChart makes one trace per series with its dash", () => {
    const fig = plot.lineChart(
      [
        { name: "a", x: [1, 2, 3], y: [3, 2, 1] },
        { name: "b", x: [1, 2], y: [5, 6], dash: "dash" },
      ],
      { title: "t", yRange: [0, 10] },
    );
    expect(fig.data).toHaveLength(2);
    expect(fig.data[1]).toMatchObject({ name: "b", x: [1, 2], y: [5, 6], line: { dash: "dash" } });
    expect(fig.layout.yaxis.range).toEqual([0, 10]);
    expect(fig.layout.title.text).toBe("t");
  });

  test("historyFigure: a test and a train trace per run, one colour per run, accuracy in percent", () => {
    const fig = plot.historyFigure([history("A", 3), history("B", 2, 1)], "acc");
    expect(fig.data.map((t) => t.name)).toEqual(["A テスト", "A 訓練", "B テスト", "B 訓練"]);
    expect(fig.data[0].y).toEqual([40, 50, 60].map((v) => expect.closeTo(v, 9)));
    expect(fig.data[1].y[0]).toBeCloseTo(50, 9);
    expect(fig.data[1].line.dash).toBe("dash");
    expect(fig.data[0].line.dash).toBe("solid");
    expect(fig.data[0].line.color).toBe(fig.data[1].line.color);
    expect(fig.data[0].line.color).not.toBe(fig.data[2].line.color);
    expect(fig.layout.shapes).toHaveLength(1); // B's best epoch
    expect(fig.layout.xaxis.dtick).toBe(1);
    expect(plot.historyFigure(history("A", 3), "loss").data[0].y[0]).toBeCloseTo(1.2, 9);
  });

  test("historyPair puts loss and accuracy on two x axes with one legend", () => {
    const fig = plot.historyPair([history("A", 3), history("B", 3)]);
    expect(fig.data).toHaveLength(8);
    expect(fig.data.filter((t) => t.xaxis === "x2")).toHaveLength(4);
    expect(fig.data.filter((t) => t.showlegend)).toHaveLength(4);
    expect(fig.layout.xaxis.domain[1]).toBeLessThan(fig.layout.xaxis2.domain[0]);
  });

  test("imageGrid: 16 MNIST-sized images give 16 upright gray heatmaps, mistakes in red", () => {
    const images = Array.from({ length: 16 }, (_, i) => new Uint8Array(28 * 28).fill(i * 10));
    images[0][28 * 2 + 5] = 255; // row 2, column 5
    const titles = images.map((_, i) => `正解 ${i % 10} / 予測 ${i % 10}`);
    const wrong = images.map((_, i) => i === 3);
    const fig = plot.imageGrid(images, { shape: [28, 28, 1], titles, wrong, cols: 8 });
    expect(fig.data).toHaveLength(16);
    expect(fig.data.every((t) => t.type === "heatmap")).toBe(true);
    expect(fig.data[0].z).toHaveLength(28);
    expect(fig.data[0].z[2][5]).toBe(255);
    expect(fig.data[15].yaxis).toBe("y16");
    expect(fig.layout.yaxis16.autorange).toBe("reversed");
    expect(fig.layout.annotations).toHaveLength(16);
    expect(fig.layout.annotations[3].font.color).toBe("red");
    expect(fig.layout.annotations[2].font.color).toBe("black");
    expect(() => plot.imageGrid(Array(65).fill(images[0]), { shape: [28, 28, 1] })).toThrow(/at most 64/);
  });

  test("imageGrid from a dataset with predictions writes 正解/予測 titles and flags mistakes", () => {
    const ds = new ImageDataset(new Uint8Array(3 * 4 * 4), Uint8Array.from([7, 1, 2]), [4, 4, 1]);
    const fig = plot.imageGrid(ds, { indices: [0, 2], pred: [7, 1, 5] });
    expect(fig.data).toHaveLength(2);
    expect(fig.layout.annotations.map((a: { text: string }) => a.text)).toEqual(["正解 7 / 予測 7", "正解 2 / 予測 5"]);
    expect(fig.layout.annotations.map((a: { font: { color: string } }) => a.font.color)).toEqual(["black", "red"]);
  });

  test("RGB images become image traces of [r, g, b] pixels", () => {
    const img = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i);
    const trace = plot.imageGrid([img], { shape: [2, 3, 3] }).data[0];
    expect(trace.type).toBe("image");
    expect(trace.z[1][2]).toEqual([15, 16, 17]);
  });

  test("heatmap writes values when asked; heatmapGrid makes one trace per map", () => {
    const fig = plot.heatmap([[1, -0.5], [0.25, 2]], { showValues: true });
    expect(fig.data[0].text).toEqual([["1", "-0.50"], ["0.25", "2"]]);
    expect(fig.data[0].zmid).toBe(0); // signed values: diverging scale centred on 0
    const kernels = Array.from({ length: 32 }, () => [[0, 1], [2, 3]]);
    const grid = plot.heatmapGrid(kernels, { cols: 8, titles: kernels.map((_, i) => `#${i}`) });
    expect(grid.data).toHaveLength(32);
    expect(grid.data.every((t) => t.showscale === false)).toBe(true);
    expect(grid.layout.xaxis32).toBeDefined();
    // values keep 4 significant digits (a feature map's float32s written in full made 04's notebook 0.4 MB bigger)
    expect(plot.heatmap([[0.37103444337844850, -1234.5678, 7]]).data[0].z).toEqual([[0.371, -1235, 7]]);
  });

  test("confusionMatrix counts [true][pred] and mostConfused finds the worst pair", () => {
    const target = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const pred = [0, 1, 1, 2, 2, 2, 0, 2, 2];
    const { matrix, figure } = plot.confusionMatrix(pred, target, ["a", "b", "c"]);
    expect(matrix).toEqual([
      [1, 1, 0],
      [0, 1, 2],
      [1, 0, 3],
    ]);
    expect(figure.data[0].text[1][2]).toBe("2");
    expect(figure.data[0].texttemplate).toBe("%{text}");
    expect(figure.data[0].x).toEqual(["a", "b", "c"]);
    expect(figure.layout.yaxis.autorange).toBe("reversed"); // row 0 (true class a) on top
    expect(plot.mostConfused(matrix)).toEqual({ trueClass: 1, predClass: 2, count: 2 });
    expect(() => plot.confusionMatrix([3], [0], ["a", "b"])).toThrow(/out of range/);
  });

  test("barChart keeps the labels' order as categories", () => {
    const fig = plot.barChart(["7", "1", "9"], Float32Array.from([0.9, 0.05, 0.01]), { horizontal: true });
    expect(fig.data[0]).toMatchObject({ type: "bar", orientation: "h", y: ["7", "1", "9"] });
    expect(fig.data[0].x[0]).toBeCloseTo(0.9, 6);
    expect(fig.layout.yaxis.type).toBe("category");
    expect(plot.barChart(["a"], [1]).layout.xaxis.type).toBe("category");
  });
});

test("every plot.<name> that a notebook uses is exported by lib/plot", () => {
  const dirs = ["notebooks", "notebooks/solutions"].map((d) => path.join(__dirname, "..", d));
  const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith(".ipynb")).map((f) => path.join(d, f)));
  const used = new Set<string>();
  for (const f of files) {
    const cells: { cell_type: string; source: string[] }[] = JSON.parse(fs.readFileSync(f, "utf8")).cells;
    for (const c of cells) if (c.cell_type === "code") for (const m of c.source.join("").matchAll(/\bplot\.([A-Za-z]+)/g)) used.add(m[1]);
  }
  expect(used.size).toBeGreaterThan(10);
  const types = new Set(["Figure"]); // type names leave no value behind
  expect([...used].filter((n) => !(n in face) && !types.has(n))).toEqual([]);
});
