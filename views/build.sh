#!/usr/bin/env bash
# Builds the JupyterLab extension @lecture3/views (views/src) into a prebuilt labextension folder DEST (default
# views/labextension): package.json + static/remoteEntry.js, bundled by esbuild with TensorFlow.js inside; no
# webpack, no JupyterLab rebuild, no network. Written beside DEST and renamed into place: never half written.
#   bash views/build.sh [DEST]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/views/labextension}
tmp="$dest.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp/static"
# lib/core imports "@tensorflow/tfjs" (all backends, layers, converter); the page needs only the core and the cpu
# backend, which the views import themselves
"$root/node_modules/.bin/esbuild" "$root/views/src/extension.ts" --bundle --format=iife --platform=browser \
  --target=es2020 --minify --keep-names --log-level=warning --alias:@tensorflow/tfjs=@tensorflow/tfjs-core \
  --outfile="$tmp/static/remoteEntry.js"
cp "$root/views/package.json" "$tmp/package.json"
rm -rf "$dest.old"
[ -e "$dest" ] && mv "$dest" "$dest.old"
mv "$tmp" "$dest"
rm -rf "$dest.old"
