import { topk, topkAccuracy } from "../lib/core/metrics";

test("topk returns the k largest, largest first", () => {
  expect(topk([0.1, 0.5, 0.2, 0.15, 0.05], 3)).toEqual({ values: [0.5, 0.2, 0.15], indices: [1, 2, 3] });
  expect(topk([0.3, 0.3, 0.4], 2).indices).toEqual([2, 0]); // ties: lower index first
  expect(() => topk([1, 2], 3)).toThrow(/k must be between 1 and 2/);
});

test("top-1/top-3/top-5 accuracy of a small table (the 01 notebook's example)", () => {
  const probs = [
    [0.5, 0.2, 0.1, 0.05, 0.1, 0.05],
    [0.3, 0.25, 0.2, 0.15, 0.06, 0.04],
    [0.05, 0.1, 0.15, 0.2, 0.22, 0.28],
    [0.1, 0.35, 0.3, 0.05, 0.15, 0.05],
  ];
  const labels = [0, 3, 0, 2];
  expect(topkAccuracy(probs, labels, 1)).toBe(0.25);
  expect(topkAccuracy(probs, labels, 3)).toBe(0.5);
  expect(topkAccuracy(probs, labels, 5)).toBe(0.75);
  expect(() => topkAccuracy(probs, [0], 1)).toThrow(/4 rows of probabilities but 1 labels/);
});
