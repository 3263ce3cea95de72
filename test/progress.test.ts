// The live progress line: redrawn in place in a notebook (one display id), a final line elsewhere.
import { setDisplaySink, MimeBundle } from "../lib/core/display";
import { ProgressLine } from "../lib/core/progress";

afterEach(() => setDisplaySink(null));

test("in a notebook: one display, then updates of the same display id; throttled", () => {
  const msgs: { data: MimeBundle; id?: string; update: boolean }[] = [];
  setDisplaySink((data, { id, update }) => msgs.push({ data, id, update }));
  const bar = new ProgressLine(600, "epoch 1/3", { minIntervalMs: 1e9 }); // never redraw on time alone
  for (let i = 1; i <= 600; i++) bar.tick(i, 100, 0.5);
  bar.finish("epoch 1/3: done");
  // first tick draws (lastDraw = 0), the throttle holds the rest until the last batch, then finish
  expect(msgs.length).toBe(3);
  expect(msgs[0].update).toBe(false);
  expect(msgs.slice(1).every((m) => m.update && m.id === msgs[0].id)).toBe(true);
  expect(msgs[1].data["text/plain"]).toMatch(/^epoch 1\/3 \|█{20}\| 600\/600 損失 0\.5000 \| [\d,]+ 枚\/秒 \| [\d.]+ 秒$/);
  expect(msgs[2].data["text/plain"]).toBe("epoch 1/3: done");
});

test("the first line shows the time left", () => {
  const msgs: MimeBundle[] = [];
  setDisplaySink((data) => msgs.push(data));
  const bar = new ProgressLine(10, "epoch", { minIntervalMs: 0 });
  bar.tick(5, 100);
  expect(msgs[0]["text/plain"]).toMatch(/^epoch \|█{10}░{10}\| 5\/10 \| [\d,]+ 枚\/秒 \| 残り [\d.]+ 秒$/);
});

test("outside a notebook only the final line is printed", () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const bar = new ProgressLine(3, "epoch");
    bar.tick(1, 10);
    bar.tick(3, 10);
    bar.finish("summary line");
    expect(log.mock.calls.map((c) => c[0])).toEqual(["summary line"]);
  } finally {
    log.mockRestore();
  }
});

test("a line finished with keep = false is drawn over by the next line that reuses it, and not printed", () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const first = new ProgressLine(3, "エポック 1/2");
    first.finish("epoch 1 line", false);
    const second = new ProgressLine(3, "エポック 2/2", { minIntervalMs: 0, reuse: first });
    second.finish("epoch 2 line");
    expect(first.kept).toBe(false);
    expect(log.mock.calls.map((c) => c[0])).toEqual(["epoch 2 line"]);
  } finally {
    log.mockRestore();
  }
  setDisplaySink((data, { id, update }) => msgs.push({ data, id, update }));
  const msgs: { data: Record<string, unknown>; id: string | undefined; update: boolean }[] = [];
  const a = new ProgressLine(3, "a");
  a.finish("a done", false);
  const b = new ProgressLine(3, "b", { minIntervalMs: 0, reuse: a });
  b.finish("b done");
  setDisplaySink(null);
  expect(msgs.map((m) => [m.data["text/plain"], m.update])).toEqual([["a done", false], ["b done", true]]);
  expect(msgs[1].id).toBe(msgs[0].id);
});

test("a line stays in the cell that started it: when tslab moves on to the next cell, the line's updates do not follow", () => {
  // tslab points jupyter.lastWriteDisplayData at each execute request's display writer as its cell starts
  // (lib/node/platform.ts reads it); a loop the kernel stopped waiting for goes on drawing after that
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: ((msg: unknown, update: boolean) => void) | null };
  const cell1: { msg: { transient: { display_id?: string } }; update: boolean }[] = [];
  const cell2: unknown[] = [];
  jupyter.lastWriteDisplayData = (msg, update) => cell1.push({ msg: msg as (typeof cell1)[0]["msg"], update });
  try {
    const bar = new ProgressLine(3, "epoch", { minIntervalMs: 0 });
    bar.tick(1, 10);
    jupyter.lastWriteDisplayData = (msg) => cell2.push(msg); // the next cell runs
    bar.tick(2, 10);
    bar.finish("epoch: done");
    expect(cell2).toEqual([]);
    expect(cell1.map((m) => m.update)).toEqual([false, true, true]);
    expect(new Set(cell1.map((m) => m.msg.transient.display_id)).size).toBe(1);
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
});

test("issue 20: an epoch whose mini-batch lines were printed below its live line ends with its summary below them", () => {
  const msgs: { data: MimeBundle; id?: string; update: boolean }[] = [];
  setDisplaySink((data, { id, update }) => msgs.push({ data, id, update }));
  const first = new ProgressLine(3, "epoch 1", { minIntervalMs: 0 });
  first.tick(1, 10);
  first.printedBelow(); // "[  200] loss: ..." went to the cell after the line
  first.finish("epoch 1: done");
  // not kept (print_every): drawn over in place by the next epoch's line, which is moved down when kept
  const quiet = new ProgressLine(3, "epoch 2", { minIntervalMs: 0 });
  quiet.tick(1, 10);
  quiet.finish("epoch 2: done", false);
  const rows = msgs.map((m) => [m.data["text/plain"], m.update]);
  expect(rows).toEqual([[expect.stringMatching(/^epoch 1 \|/), false], ["", true], ["epoch 1: done", false], [expect.stringMatching(/^epoch 2 \|/), false], ["epoch 2: done", true]]);
  expect(msgs[1].id).toBe(msgs[0].id); // the old place emptied
  expect(msgs[2].id).not.toBe(msgs[0].id); // the summary a new output, after the lines printed meanwhile
});
