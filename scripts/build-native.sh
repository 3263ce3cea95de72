#!/usr/bin/env bash
# Builds tfjs-node's native binding against libtensorflow taken out of PyPI's tensorflow-cpu wheel
# (TFJS_NODE_PACKAGE=tfjs-node-gpu: tfjs-node-gpu's, against the tensorflow[and-cuda] installed in .venv; setup.sh with
# LECTURE3_GPU=1). Upstream's install script downloads libtensorflow from a Google bucket instead; that fails offline
# (and returns 403 upstream, tfjs #8742). Redone only when the binding is missing or a version changed.
#
# CPU: the wheel pinned in scripts/libtensorflow.txt is downloaded once by pip (checked against its sha256) and only
# what the binding needs is kept, in .libtensorflow/tensorflow-cpu-<version>/ (TensorFlow is not installed into .venv):
#   lib/libtensorflow_cc.so.2, lib/libtensorflow_framework.so.2  (stripped of symbols nothing links against)
#   include/<the 14 headers below>  (the binding's sources include these and nothing else of TensorFlow's; found with
#     g++ -M -I.. -Ideps/include -I/usr/include/node -DNAPI_VERSION=8 binding/tfjs_{backend,binding}.cc  in tfjs-node)
# The folder is written under a temporary name and renamed when complete (a .complete marker names the wheel), so an
# interrupted run leaves nothing half-written that a later run would take for done.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${TFJS_NODE_PACKAGE:-tfjs-node}
pkg="$root/node_modules/@tensorflow/$name"
[ -x "$root/.venv/bin/python" ] || { echo ".venv missing: run 'npm run setup' first" >&2; exit 1; }
[ -d "$pkg" ] || { echo "node_modules/@tensorflow/$name missing: run 'npm run setup' first" >&2; exit 1; }

headers="tensorflow/c/c_api.h tensorflow/c/c_api_macros.h tensorflow/c/eager/c_api.h tensorflow/c/tf_attrtype.h
tensorflow/c/tf_buffer.h tensorflow/c/tf_datatype.h tensorflow/c/tf_status.h tensorflow/c/tf_tensor.h
tensorflow/c/tf_tstring.h tensorflow/core/platform/ctstring.h tensorflow/core/platform/ctstring_internal.h
tsl/platform/ctstring.h tsl/platform/ctstring_internal.h xla/tsl/c/tsl_status.h"

# Sets tfdir (a folder with lib/ and include/) and tfver, downloading and extracting the pinned wheel when needed.
fetch_libtensorflow() {
  local spec req cache
  spec=$(grep -v '^#' "$root/scripts/libtensorflow.txt" | grep -m1 .)   # tensorflow-cpu==X --hash=sha256:...
  req=${spec%% *}
  tfver=${req#*==}
  cache="$root/.libtensorflow"
  tfdir="$cache/tensorflow-cpu-$tfver"
  if [ "$(cat "$tfdir/.complete" 2>/dev/null)" = "$spec" ]; then return 0; fi
  [ "$(uname -s) $(uname -m)" = "Linux x86_64" ] || {
    echo "PyPI's tensorflow-cpu has Linux wheels for x86_64 only (this is $(uname -s) $(uname -m)): run the notebooks with TFJS_BACKEND=wasm" >&2; return 1; }
  echo "libtensorflow: downloading $req from PyPI (274 MB, once) into $cache"
  mkdir -p "$cache"
  rm -rf "$cache"/.tmp.*   # what an interrupted run left
  lt_tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  trap 'rm -rf "$lt_tmp"' EXIT  # (lt_tmp is global: the trap runs after the function has returned)
  printf '%s\n' "$spec" > "$lt_tmp/requirement.txt"
  "$root/.venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux_2_27_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
    --require-hashes -r "$lt_tmp/requirement.txt" -d "$lt_tmp/wheel" || {
    echo "libtensorflow: pip download of $req failed: see pip's message above (PyPI not reachable, or the wheel does not match the sha256 in scripts/libtensorflow.txt)" >&2; return 1; }
  "$root/.venv/bin/python" - "$lt_tmp/wheel" "$lt_tmp/out" $headers <<'PY' || { echo "libtensorflow: could not extract the wheel" >&2; return 1; }
import glob, os, shutil, sys, zipfile
wheel_dir, out, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
(wheel,) = glob.glob(os.path.join(wheel_dir, "*.whl"))
want = {f"tensorflow/{n}": f"lib/{n}" for n in ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2")}
want.update({f"tensorflow/include/{h}": f"include/{h}" for h in headers})
with zipfile.ZipFile(wheel) as z:
    missing = sorted(set(want) - set(z.namelist()))
    if missing:
        sys.exit(f"not in {os.path.basename(wheel)}: {', '.join(missing)}")
    for member, dest in want.items():
        dest = os.path.join(out, dest)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(member) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
  rm -rf "$lt_tmp/wheel"
  # the static symbol tables (815 -> 606 MB); the dynamic ones, which the binding links against, stay
  if command -v strip >/dev/null; then strip --strip-unneeded "$lt_tmp"/out/lib/*.so.2; fi
  printf '%s\n' "$spec" > "$lt_tmp/out/.complete"
  rm -rf "$tfdir"
  mv "$lt_tmp/out" "$tfdir"
  rm -rf "$lt_tmp"
  trap - EXIT
  echo "libtensorflow: $tfver in $tfdir ($(du -sh "$tfdir" | cut -f1))"
}

if [ "$name" = tfjs-node-gpu ]; then
  # GPU: tensorflow[and-cuda] in .venv (its libtensorflow is built with CUDA), headers and libraries as the wheel has them
  site=$("$root/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  tfdir="$site/tensorflow"
  [ -f "$tfdir/libtensorflow_cc.so.2" ] || { echo "tensorflow wheel not found in .venv ($tfdir): run 'LECTURE3_GPU=1 npm run setup' first" >&2; exit 1; }
  tfver=$(sed -n 's/^Version: //p' "$site"/tensorflow*.dist-info/METADATA | head -1)
  tfinc="$tfdir/include" tflib="$tfdir"
else
  fetch_libtensorflow
  tfinc="$tfdir/include" tflib="$tfdir/lib"
fi
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
ln -s "$tfinc" "$pkg/deps/include"
for n in libtensorflow.so libtensorflow.so.2 libtensorflow_cc.so.2; do ln -s "$tflib/libtensorflow_cc.so.2" "$pkg/deps/lib/$n"; done
for n in libtensorflow_framework.so libtensorflow_framework.so.2; do ln -s "$tflib/libtensorflow_framework.so.2" "$pkg/deps/lib/$n"; done
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
