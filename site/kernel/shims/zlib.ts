// zlib is not in the browser: the site serves MNIST's idx files uncompressed (scripts/site.sh), and PNG output
// (plot.showPng) is not available there yet.
const missing = (what: string) => () => {
  throw new Error(`ブラウザ版では ${what} が使えません (zlib がありません)。plot.showImages など plotly の図を使ってください。`);
};
export const gunzipSync = missing("gzip の展開");
export const deflateSync = missing("PNG の作成 (plot.showPng)");
