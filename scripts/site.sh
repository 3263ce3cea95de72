#!/usr/bin/env bash
# npm run site: the lecture as a static JupyterLite site in site/_output (docs/site.md). Serve that folder with any
# static server (python3 -m http.server -d site/_output) and open it: the notebooks run in the browser.
#   1. .venv gets jupyterlite-core (requirements-site.txt; once)
#   2. esbuild bundles the TypeScript kernel: site/kernel/extension.js (the JupyterLite extension) and
#      site/kernel/worker.ts (the Web Worker: typescript + TensorFlow.js + lecture3's browser face); the worker's
#      type bundle cell-types.json (scripts/site-types.ts: the .d.ts files and messages a cell's type check reads)
#   3. the views extension (@lecture3/views: drawDigit, confusionView) built from views/ by views/build.sh, and
#      jupyter lite build: JupyterLab, the kernel, plotly's extension, the views, the notebooks
#   4. site/saved-files.js and site/isolation.js appended to JupyterLite's service worker; the data the notebooks
#      read (MNIST; Fashion-MNIST, MobileNet, the ants/bees photos, CIFAR-10's JPEG copy: scripts/site-data.ts) from
#      the mirror or the project's cache, and TF.js's WebAssembly files
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=site/_build; out=site/_output
venv=.venv/bin
if ! "$venv/python" -c 'import jupyterlite_core, sys; sys.exit(jupyterlite_core.__version__ != "0.8.6")' 2>/dev/null; then
  echo "[site] installing jupyterlite-core into .venv (requirements-site.txt)"
  "$venv/pip" install -q -r requirements-site.txt
fi
rm -rf "$build" "$out" site/.jupyterlite.doit.db*
ext=$build/typescript-kernel
mkdir -p "$ext/static" "$build/content"
cp site/kernel/package.json "$ext/"
esbuild=node_modules/.bin/esbuild
"$esbuild" site/kernel/extension.js --bundle --format=iife --target=es2020 --log-level=warning --outfile="$ext/static/remoteEntry.js"
# Node's modules that the library's core still names (fs for Module.save, crypto, zlib, path) resolve to the
# browser versions in site/kernel/shims/; typescript.js mentions others only on paths a browser never takes.
shims=site/kernel/shims
# no identifier renaming (--minify-whitespace/-syntax only) and no --keep-names (its __name helper): TF.js starts its WebAssembly threads from the source
# text of a bundled function (Function.toString), which must not name a renamed variable of the bundle
"$esbuild" site/kernel/worker.ts --bundle --format=iife --platform=browser --target=es2022 --minify-whitespace --minify-syntax --log-level=warning \
  --inject:$shims/globals.ts --alias:fs=./$shims/fs.ts --alias:path=./$shims/path.ts --alias:crypto=./$shims/crypto.ts \
  --alias:zlib=./$shims/zlib.ts --alias:tslab=./$shims/tslab --external:os --external:perf_hooks --external:inspector --external:source-map-support \
  --external:worker_threads --external:util --external:buffer --external:node-fetch --external:string_decoder \
  --outfile="$ext/static/kernel-worker.js"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$ext/static/"
# the type check of each cell (site/kernel/typecheck.ts): ES2022's lib files, the .d.ts of lecture3's browser face
# and of TF.js, TypeScript's Japanese messages, in one JSON file beside the worker (scripts/site-types.ts; ~1.2 MB)
"$esbuild" scripts/site-types.ts --bundle --platform=node --packages=external --log-level=warning --outfile="$build/site-types.js"
node "$build/site-types.js" "$ext/static/cell-types.json"
cp notebooks/0[0-9]_*.ipynb "$build/content/"
# the lecture's views (drawDigit, confusionView): the same extension as JupyterLab's (setup.sh step 7), built here
# from views/ so that the site always carries the views of this checkout (about 1 s)
bash views/build.sh "$root/$build/views"
# MNIST, uncompressed (the browser has no synchronous gunzip): from $LECTURE3_DATA_MIRROR's folders or datasets/
mnist=""
mirror=${LECTURE3_DATA_MIRROR:-}
for d in ${mirror//:/ } datasets; do [ -f "$d/mnist/t10k-labels-idx1-ubyte.gz" ] && { mnist=$d/mnist; break; }; done
[ -n "$mnist" ] || { echo "[site] MNIST のファイルがありません: npm run notebooks -- 02 で datasets/mnist に入れるか、LECTURE3_DATA_MIRROR を設定してください" >&2; exit 1; }
# MobileNet's weights, the ants/bees photos, Fashion-MNIST and CIFAR-10's JPEG copy (01, 03, 06, 07), through lib/node's
# obtain() and unpack (md5-checked; datasets/, then $LECTURE3_DATA_MIRROR's folders; no download): scripts/site-data.ts
"$esbuild" scripts/site-data.ts --bundle --platform=node --packages=external --log-level=warning --outfile="$build/site-data.js"
node "$build/site-data.js" "$build/data"
# site/jupyter_lite_config.json names the extensions (ours and plotly's from .venv), the notebooks and the output
(cd site && "$root/$venv/jupyter" lite build --lite-dir . 2>&1 | grep -v "^\s*$" | tail -5)
# cross-origin isolation (threads): JupyterLite's service worker adds COOP/COEP to every response (site/isolation.js)
grep -q "^async function maybeFromCache\|function maybeFromCache(" "$out/service-worker.js" || { echo "[site] $out/service-worker.js has no maybeFromCache: site/isolation.js needs a look at this JupyterLite version" >&2; exit 1; }
# and answers the site's files/ URLs with the files a notebook saved in the browser (site/saved-files.js: drawDigit's { file })
cat site/saved-files.js site/isolation.js >> "$out/service-worker.js"
mv "$build/data" "$out/data"
mkdir -p "$out/data/mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gunzip -c "$mnist/$f.gz" > "$out/data/mnist/$f"
done
echo "[site] built $out ($(du -sh "$out" | cut -f1)); serve it: python3 -m http.server -d $out 8000"
