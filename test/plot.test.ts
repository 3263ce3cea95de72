// Notebook delivery: MIME bundles, live redraws and PNGs, sent to a display sink the test records (no kernel).
import { setDisplaySink, type MimeBundle } from "../lib/core/display";
import * as plot from "../lib/core/plot";
import { history } from "./plot-history";

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
  setDisplaySink((data, { id, update }) => sent.push({ data, id, update }));
});
afterAll(() => setDisplaySink(null));

const html = (m: Message) => m.data["text/html"] as string;

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
    setDisplaySink((data, { id, update }) => sent.push({ data, id, update }));
  });
});
