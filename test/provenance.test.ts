// Issue 21: what fit() and experiment() return is plain data a student may change, and what the checkers need to
// tell a real, unedited run from an edited or typed one stays in lib/core/provenance.ts; a checker that cannot read the
// weights or the kernel's record of the answer cell says so instead of guessing.
import * as tf from "@tensorflow/tfjs";
import { check } from "../lib/core/exercises";
import { asRun } from "../lib/core/exercises/runs";
import { Linear } from "../lib/core/nn";
import { isGenuine, markGenuine, unedited } from "../lib/core/provenance";
import { backend } from "./helpers";

beforeAll(async () => {
  await backend();
});

/** A registered result as experiment() returns one (a real model, plain records), without training. */
function registered() {
  const result = { label: "run", model: new Linear(2, 2), gap: 0.1, history: { label: "run", epochs: [{ epoch: 1, test_acc: 0.5 }] } };
  return markGenuine(result, { epochs: 1 });
}

/** The hint asRun gives, or "accepted". */
function verdict(v: unknown): string {
  try {
    asRun(v, "with", "ドロップアウトあり");
    return "accepted";
  } catch (e) {
    return (e as Error).message;
  }
}

test("a registered result is not frozen: a student may change it (epochs.push works), and the checker then knows it was edited", () => {
  const r = registered();
  expect(verdict(r)).toBe("accepted");
  r.history.epochs.push({ epoch: 2, test_acc: 0.9 });
  expect(r.history.epochs).toHaveLength(2);
  expect(isGenuine(r)).toBe(true);
  expect(unedited(r)).toBe(false);
  expect(verdict(r)).toMatch(/with の数や名前が experiment\(\) の返した時から書き換えられています/);
  r.history.epochs.pop();
  expect(verdict(r)).toBe("accepted");
  r.gap = 0.5;
  expect(verdict(r)).toMatch(/書き換えられています/);
  r.gap = 0.1;
  expect(verdict(r)).toBe("accepted");
  expect(verdict({ ...r })).toMatch(/コピー/);
  r.model.dispose();
});

test("weights that cannot be read are reported as that error, not as 'the weights changed'; disposed weights are named as such", () => {
  const r = registered();
  const broken = registered();
  const brokenWeights = broken.model.parameters();
  broken.model.state_dict = () => {
    throw new Error("state_dict failed");
  };
  expect(verdict(broken)).toBe("state_dict failed");
  r.model.dispose();
  expect(verdict(r)).toMatch(/with\.model の重みが dispose されています/);
  const moved = registered();
  tf.tidy(() => moved.model.weight.assign(tf.zerosLike(moved.model.weight)));
  expect(verdict(moved)).toMatch(/重みが experiment\(\) の終わりと変わっています/);
  moved.model.dispose();
  tf.dispose(brokenWeights);
});

test("runCheck: when the kernel's record of the answer cell cannot be read, nothing is graded and the line says why", () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  const g = globalThis as { __lecture3_kernel?: unknown };
  const unreadable = {
    n: 1,
    ok: false,
    get code(): string {
      throw new Error("the record cannot be read");
    },
  };
  g.__lecture3_kernel = { interrupts: 0, cells: [unreadable], current: null };
  try {
    check.ex3({ without: 1, with: 2, gapWithout: 0.1, gapWith: 0.2 });
    expect(check.result(3)?.status).toBe("error");
    expect(check.result(3)?.message).toMatch(/^演習3: 解答セルが実行できたかを確かめられませんでした \(.+\)。解答セルを実行し直してから/);
  } finally {
    delete g.__lecture3_kernel;
    log.mockRestore();
  }
});
