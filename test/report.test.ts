// report(): numbers for the notebook checks, sent as a display output a person does not see.
import { setDisplaySink, MimeBundle } from "../lib/core/display";
import { clearReported, report, reported, REPORT_MIME } from "../lib/core/report";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { reports, claimsCheck, percentsCovered } = require("./notebooks/checks");

afterEach(() => {
  setDisplaySink(null);
  clearReported();
});

test("in a notebook: one display output with the JSON under its own MIME type and an empty text/plain", () => {
  const msgs: { data: MimeBundle; id?: string; update: boolean }[] = [];
  setDisplaySink((data, { id, update }) => msgs.push({ data, id, update }));
  report({ test_acc: 0.9864, best_epoch: 7, label: "対策なし", curve: [0.5, 0.25] });
  expect(msgs).toHaveLength(1);
  expect(msgs[0].update).toBe(false);
  expect(msgs[0].id).toBeUndefined();
  expect(Object.keys(msgs[0].data).sort()).toEqual(["application/vnd.lecture3.report+json", "text/plain"]);
  expect(msgs[0].data[REPORT_MIME]).toEqual({ test_acc: 0.9864, best_epoch: 7, label: "対策なし", curve: [0.5, 0.25] });
  expect(msgs[0].data["text/plain"]).toBe("");
  expect(reported()).toEqual({ test_acc: 0.9864, best_epoch: 7, label: "対策なし", curve: [0.5, 0.25] });
});

test("outside a notebook nothing is printed, values are kept", () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    report({ a: 1 });
    report({ a: 2, b: 3 });
    expect(log).not.toHaveBeenCalled();
    expect(reported()).toEqual({ a: 2, b: 3 });
  } finally {
    log.mockRestore();
  }
});

test("rejects what the checks could not read: NaN, Infinity, undefined, bad names, empty reports", () => {
  expect(() => report({ acc: NaN })).toThrow(/acc/);
  expect(() => report({ acc: Infinity })).toThrow(/有限/);
  expect(() => report({ xs: [1, NaN] })).toThrow(/xs\[1\]/);
  expect(() => report({ acc: undefined as unknown as number })).toThrow(/acc/);
  expect(() => report({ "test acc": 1 })).toThrow(/名前/);
  expect(() => report({})).toThrow(/1 つも/);
  expect(reported()).toEqual({});
});

/** An executed notebook as nbformat stores it, with `bundles` as display outputs of one code cell. */
function notebook(bundles: MimeBundle[], markdown: string[] = []) {
  return {
    cells: [
      ...markdown.map((m) => ({ cell_type: "markdown", source: [m] })),
      { cell_type: "code", source: ["x"], outputs: bundles.map((data) => ({ output_type: "display_data", data, metadata: {} })) },
    ],
  };
}

test("test/notebooks/checks.js reads exactly what report() sent, and refuses a name reported twice", () => {
  const msgs: MimeBundle[] = [];
  setDisplaySink((data) => msgs.push(data));
  report({ acc: 0.98765, n: 10000 });
  report({ gap: -0.5 });
  expect(reports(notebook(msgs))).toEqual({ acc: 0.98765, n: 10000, gap: -0.5 });
  report({ acc: 0.5 });
  expect(() => reports(notebook(msgs))).toThrow(/acc/);
});

test("claims: a markdown number must be in the markdown and match the reported value as printed or within its tolerance", () => {
  const msgs: MimeBundle[] = [];
  setDisplaySink((data) => msgs.push(data));
  report({ acc: 0.98765, epoch: 17 });
  const doc = notebook(msgs, ["正解率は **98.8 %** でした。エポック 17 で最小です。"]);
  const ok = claimsCheck([
    { key: "acc", text: "98.8 %", scale: 100, digits: 1 },
    { key: "epoch", text: "エポック 17", tol: 0 },
    { text: "98.8 %", source: "a number measured elsewhere: only its presence is checked" },
  ]);
  expect(ok.test({ doc })).toBe(true);
  const wrongText = claimsCheck([{ key: "acc", text: "98.7 %", scale: 100, digits: 1 }]);
  expect(wrongText.test({ doc })).toMatch(/98\.7 %/);
  const wrongValue = claimsCheck([{ key: "epoch", text: "エポック 17", scale: 2, tol: 1 }]);
  expect(wrongValue.test({ doc })).toMatch(/epoch: reported 34/);
  const missing = claimsCheck([{ key: "nope", text: "98.8 %", tol: 1 }]);
  expect(missing.test({ doc })).toMatch(/nope: not reported/);
  // every percentage of the markdown must belong to a claim
  expect(percentsCovered([{ key: "acc", text: "98.8 %" }]).test({ doc })).toBe(true);
  const loose = notebook(msgs, ["正解率は 98.8 % で、差は 3.5 ポイントでした。"]);
  expect(percentsCovered([{ key: "acc", text: "98.8 %" }]).test({ doc: loose })).toMatch(/3\.5 ポイント/);
});
