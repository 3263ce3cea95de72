import { ImageDataset } from "../lib/data/dataset";
import { setDisplaySink, type MimeBundle } from "../lib/display";
import * as plot from "../lib/plot";
import type { History } from "../lib/train";

const PLOTLY = "application/vnd.plotly.v1+json";
const CDN = /cdn\.plot\.ly|jsdelivr|unpkg/i;

interface Message {
  data: MimeBundle;
  id: string | undefined;
  update: boolean;
}
let sent: Message[] = [];
beforeEach(() => {
  sent = [];
  setDisplaySink((data, id, update) => sent.push({ data, id, update }));
});
afterAll(() => setDisplaySink(null));

function history(label: string, n: number, best_epoch?: number): History {
  const epochs = Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    train_loss: 1 / (i + 1),
    train_acc: 0.5 + i / 10,
    test_loss: 1.2 / (i + 1),
    test_acc: 0.4 + i / 10,
    seconds: 1,
  }));
  return { label, epochs, best_epoch };
}

const html = (m: Message) => m.data["text/html"] as string;

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

describe("display", () => {
  test("a figure is one message with plotly JSON, HTML and text, and never carries plotly.js", () => {
    plot.showHeatmap([[1, 2], [3, 4]], { title: "first" });
    plot.showBar(["a", "b"], [1, 2], { title: "second" });
    expect(sent).toHaveLength(2);
    for (const m of sent) {
      expect(Object.keys(m.data).sort()).toEqual([PLOTLY, "text/html", "text/plain"]);
      expect(m.update).toBe(false);
      expect(html(m)).toContain("Plotly.newPlot(");
      expect(html(m)).toContain("if (!window.Plotly)");
      expect(html(m)).not.toMatch(CDN);
      expect(html(m)).not.toContain("plotly.js v4.1.1");
      expect(html(m).length).toBeLessThan(10_000);
    }
    expect(sent[0].data["text/plain"]).toBe("[plot: first]");
    expect((sent[1].data[PLOTLY] as plot.Figure).data[0].type).toBe("bar");
  });

  test("a title cannot close the script tag", () => {
    plot.showFigure(plot.lineChart([{ name: "</script><b>x", x: [1], y: [1] }], { title: "</script><script>alert(1)</script>" }));
    plot.showFigure(plot.lineChart([{ name: "n", x: [1], y: [1] }], { title: "<!-- </SCRIPT>" }));
    const last = html(sent[1]);
    expect(last).not.toContain("<!--");
    const scripts = html(sent[0]).split(/<script[^>]*>/).slice(1);
    // every script's body ends at its own closing tag only
    for (const body of scripts) expect(body.toLowerCase().indexOf("</script")).toBe(body.toLowerCase().lastIndexOf("</script"));
    expect(html(sent[0])).toContain("<\\/script><script>alert(1)<\\/script>");
    expect((sent[0].data[PLOTLY] as plot.Figure).layout.title.text).toBe("</script><script>alert(1)</script>");
  });

  test("showHistory: one message with loss and accuracy subplots", () => {
    plot.showHistory([history("A", 2), history("B", 2)]);
    expect(sent).toHaveLength(1);
    const fig = sent[0].data[PLOTLY] as plot.Figure;
    expect(fig.data).toHaveLength(8);
    expect(sent[0].data["text/plain"]).toBe("[plot: 損失, 正解率 (%)]");
  });

  test("LiveCurve: empty axes at once, then each update as a placeholder followed by the figure, in one display", () => {
    const live = new plot.LiveCurve("training");
    const h = history("A", 1);
    live.update(h);
    h.epochs.push({ ...h.epochs[0], epoch: 2 });
    live.update(h);
    // the placeholder changes the output's MIME type, so JupyterLab's plotly renderer draws the next figure anew
    expect(sent.map((m) => [m.update, m.data[PLOTLY] ? "figure" : "placeholder"])).toEqual([
      [false, "figure"],
      [true, "placeholder"],
      [true, "figure"],
      [true, "placeholder"],
      [true, "figure"],
    ]);
    expect(new Set(sent.map((m) => m.id)).size).toBe(1);
    expect(sent[0].id).toBeDefined();
    expect((sent[0].data[PLOTLY] as plot.Figure).data.map((t) => t.x)).toEqual([[], []]); // one empty series per subplot: the axes are drawn
    expect((sent[4].data[PLOTLY] as plot.Figure).data[0].x).toEqual([1, 2]);
    expect(Object.keys(sent[1].data).sort()).toEqual(["text/html", "text/plain"]);
    expect(html(sent[1])).toMatch(/height:400px/);
  });

  test("showPng sends a PNG enlarged 4× with nearest neighbour", () => {
    const img = new Uint8Array(28 * 28);
    img[0] = 200;
    plot.showPng(img, [28, 28, 1]);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0].data).sort()).toEqual(["image/png", "text/plain"]);
    const png = Buffer.from(sent[0].data["image/png"] as string, "base64");
    expect(png.toString("ascii", 1, 4)).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([112, 112]);
    const { inflateSync } = require("zlib");
    const idat = png.indexOf("IDAT");
    const raw: Buffer = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    // row 3 (still image row 0): filter byte, then pixels 0..3 = 200, pixel 4 = 0
    const row3 = raw.subarray(3 * 113 + 1, 4 * 113);
    expect([...row3.subarray(0, 5)]).toEqual([200, 200, 200, 200, 0]);
    expect(raw[4 * 113 + 1]).toBe(0); // row 4 is image row 1
  });

  test("outside a notebook only the text line is printed, and a LiveCurve prints nothing until it has data", () => {
    setDisplaySink(null);
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    plot.showHeatmap([[1]], { title: "quiet" });
    const live = new plot.LiveCurve("t");
    expect(log.mock.calls).toEqual([["[plot: quiet]"]]);
    live.update(history("A", 1));
    expect(log).toHaveBeenCalledTimes(2);
    log.mockRestore();
    setDisplaySink((data, id, update) => sent.push({ data, id, update }));
  });
});
