// Plots in the notebook with plotly.js, offline: `plot.*` in the notebooks.
//   plot/figures.ts   builders: pure functions returning a plotly figure {data, layout} (lineChart, historyPair,
//                     imageGrid, heatmap, confusionMatrix, ...), tested without a kernel
//   plot/notebook.ts  delivery: the MIME bundle of a figure, show... functions, LiveFigure/LiveCurve, PNG images
export * from "./plot/figures";
export * from "./plot/notebook";
