#!/usr/bin/env bash
# Builds tfjs-node's native binding against the libtensorflow inside .venv's tensorflow-cpu wheel
# (TFJS_NODE_PACKAGE=tfjs-node-gpu: tfjs-node-gpu's, against tensorflow[and-cuda]'s; setup.sh with LECTURE3_GPU=1).
# Upstream's install script downloads libtensorflow from a Google bucket instead; that fails offline
# (and returns 403 upstream, tfjs #8742). Redone only when the binding is missing or a version changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${TFJS_NODE_PACKAGE:-tfjs-node}
pkg="$root/node_modules/@tensorflow/$name"
site=$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
tfdir="$site/tensorflow"
[ -f "$tfdir/libtensorflow_cc.so.2" ] || { echo "tensorflow wheel not found in .venv ($tfdir): run 'npm run setup' first" >&2; exit 1; }
[ -d "$pkg" ] || { echo "node_modules/@tensorflow/$name missing: run 'npm run setup' first" >&2; exit 1; }
tfver=$(sed -n 's/^Version: //p' "$site"/tensorflow*.dist-info/METADATA | head -1)
nodever=$(node -p 'process.versions.node.split(".")[0] + "/napi" + process.versions.napi')
tfjsver=$(node -p "require('$pkg/package.json').version")
want="$name $tfjsver, tensorflow $tfver, node $nodever, $tfdir"
stamp="$pkg/lib/.built-against"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && ls "$pkg"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then
  echo "native backend: up to date ($want)"
  exit 0
fi
echo "native backend: building the $name binding against $tfdir (about a minute)"
rm -rf "$pkg/deps" "$pkg/lib"
mkdir -p "$pkg/deps/lib"
ln -s "$tfdir/include" "$pkg/deps/include"
for n in libtensorflow.so libtensorflow.so.2 libtensorflow_cc.so.2; do ln -s "$tfdir/libtensorflow_cc.so.2" "$pkg/deps/lib/$n"; done
for n in libtensorflow_framework.so libtensorflow_framework.so.2; do ln -s "$tfdir/libtensorflow_framework.so.2" "$pkg/deps/lib/$n"; done
nodedir=$(dirname "$(dirname "$(command -v node)")")
[ -f "$nodedir/include/node/node_api.h" ] || nodedir=/usr
[ -f "$nodedir/include/node/node_api.h" ] || { echo "Node.js headers not found (looked in $nodedir/include/node): install Debian's nodejs headers (apt-get install libnode-dev) or a Node.js with include/" >&2; exit 1; }
export PATH="$root/node_modules/.bin:$PATH"
(cd "$pkg" && node-pre-gyp install --build-from-source --nodedir="$nodedir" > "$pkg/build.log" 2>&1) || {
  tail -30 "$pkg/build.log" >&2
  echo "native backend: build failed (full log: $pkg/build.log). TFJS_BACKEND=wasm or cpu still works, slower." >&2
  exit 1
}
(cd "$root" && source scripts/env.sh && node -e "const tf=require('@tensorflow/$name'); if (tf.getBackend()!=='tensorflow') process.exit(1)") || {
  echo "native backend: built but does not load; see $pkg/build.log" >&2; exit 1; }
echo "$want" > "$stamp"
echo "native backend: built ($want)"
