// The figure of experiment() runs (experiment.ts): loss and accuracy per epoch, side by side, one colour per run.
import type { ExperimentResult } from "../experiment";
import { COLORS, lineChart, sideBySide, type Figure, type Series } from "./figures";
import { showFigure } from "./notebook";

const NAMES = { valid: "検証", test: "テスト" } as const;

/**
 * Loss and accuracy per epoch of one or more runs, side by side: 訓練 dashed, 検証 (or テスト) solid,
 * one colour per run; a dotted vertical line at the epoch early stopping restored.
 */
export function experimentFigure(runs: ExperimentResult | ExperimentResult[], title?: string): Figure {
  const list = Array.isArray(runs) ? runs : [runs];
  const one = (metric: "loss" | "acc"): Figure => {
    const scale = metric === "acc" ? 100 : 1;
    const series = list.flatMap((r, i): Series[] => {
      const color = COLORS[i % COLORS.length];
      const x = r.history.epochs.map((e) => e.epoch);
      const ev = r.history.epochs.map((e) => scale * (metric === "acc" ? e.test_acc : e.test_loss));
      const tr = r.history.epochs.map((e) => scale * (metric === "acc" ? e.train_acc : e.train_loss));
      return [
        { name: `${r.label} ${NAMES[r.evaluated_on]}`, x, y: ev, color, group: r.label },
        { name: `${r.label} 訓練`, x, y: tr, color, group: r.label, dash: "dash" },
      ];
    });
    const t = metric === "acc" ? "正解率 (%)" : "損失";
    const fig = lineChart(series, { title: t, xTitle: "エポック", yTitle: t });
    const lastEpoch = Math.max(1, ...list.flatMap((r) => r.history.epochs.map((e) => e.epoch)));
    Object.assign(fig.layout.xaxis, { tick0: 0, dtick: Math.max(1, Math.ceil(lastEpoch / 10)) });
    fig.layout.shapes = list.flatMap((r, i) =>
      r.history.best_epoch === undefined
        ? []
        : [{ type: "line", xref: "x", yref: "paper", x0: r.history.best_epoch, x1: r.history.best_epoch, y0: 0, y1: 1, line: { dash: "dot", width: 1, color: COLORS[i % COLORS.length] } }],
    );
    return fig;
  };
  return sideBySide([one("loss"), one("acc")], title);
}

/** Shows experimentFigure in the notebook. */
export function showExperiments(runs: ExperimentResult | ExperimentResult[], title?: string): void {
  showFigure(experimentFigure(runs, title));
}
