#!/usr/bin/env bash
# Idempotent set-up, run by both README commands (npm run lab, npm test):
#   1. npm packages from package-lock.json (install scripts off: tfjs-node's would download libtensorflow)
#   2. .venv from requirements.txt (JupyterLab, nbconvert, IPython, plotly's lab extension, nbgrader, JupyterHub)
#   3. tfjs-node's native binding, built against libtensorflow from the tensorflow-cpu wheel pinned in
#      scripts/libtensorflow.txt (only its two libraries and 14 headers, kept in .libtensorflow/; scripts/build-native.sh)
#   4. the helper library lib/ compiled to lib/dist (notebooks import it as "lecture3")
#   5. the tslab kernel registered inside .venv
#   6. JupyterLab and nbconvert settings inside .venv: no news pop-up; HTML export with plotly.js (nbconvert/lecture3)
#   7. the lecture's JupyterLab extension @lecture3/views (views/: draw a digit), prebuilt by esbuild into .venv
# Each step is skipped when its inputs have not changed, so a second run takes seconds.
# GPU: LECTURE3_GPU=1 switches this clone to tfjs-node-gpu built against PyPI's tensorflow[and-cuda], installed into
# .venv (CUDA 12 from NVIDIA's wheels; several GB); the choice is remembered in .venv/.lecture3-gpu, LECTURE3_GPU=0
# switches back (and takes TensorFlow and the CUDA wheels out of .venv again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
step() { printf '[setup] %s\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
# the environment checks, one function each (each prints its remedy): scripts/check-env.sh
source "$root/scripts/check-env.sh"
fail() { env_fail "$*"; exit 1; } # check-env.sh's "[setup] FAILED: ..." line, then stop

need_writable "$root" || exit 1
need_node || exit 1
PY=${PYTHON:-python3}
need_python "$PY" || exit 1
need_unmoved "$root" || exit 1

gpu=0
if [ "${LECTURE3_GPU:-}" = 1 ] || { [ "${LECTURE3_GPU:-}" != 0 ] && [ -f .venv/.lecture3-gpu ]; }; then gpu=1; fi

# 1. npm packages
want=$(hash_of package-lock.json)
if [ "$(cat node_modules/.lecture3-lock 2>/dev/null)" != "$want" ]; then
  step "npm packages (npm ci --ignore-scripts)"
  npm ci --ignore-scripts --no-audit --no-fund || fail "npm ci: see the messages above (is the npm registry reachable?)"
  echo "$want" > node_modules/.lecture3-lock
else
  step "npm packages: up to date"
fi

# 2. Python environment (GPU: with tensorflow[and-cuda] of scripts/libtensorflow.txt's version)
reqs=requirements.txt
if [ $gpu = 1 ]; then
  reqs=$(mktemp)
  { cat requirements.txt; sed -n 's/^tensorflow-cpu==\([^ ]*\).*/tensorflow[and-cuda]==\1/p' scripts/libtensorflow.txt; } > "$reqs"
fi
want="$(hash_of "$reqs") gpu=$gpu"
if [ "$(cat .venv/.lecture3-req 2>/dev/null)" != "$want" ]; then
  step "Python environment .venv (pip install -r requirements.txt; about 0.5 GB$([ $gpu = 1 ] && echo ', with TensorFlow and CUDA several GB more'), the first time takes a minute or more)"
  [ -x .venv/bin/python ] || { need_venv "$PY" || exit 1; "$PY" -m venv .venv || fail "could not create .venv (Debian: apt-get install python3-venv)"; }
  if [ $gpu = 1 ]; then
    # an older set-up's tensorflow-cpu provides the same package as tensorflow[and-cuda]: it goes first
    .venv/bin/python -m pip uninstall --quiet -y tensorflow-cpu >/dev/null 2>&1 || true
  else
    # TensorFlow (1.3 GB), which older set-ups and the GPU set-up installed here, and what only it needed; pip install
    # below puts back anything requirements.txt still needs
    old=$(.venv/bin/python - <<'PY'
import importlib.metadata as m
only_tf = {"tensorflow", "tensorflow-cpu", "tensorboard", "tensorboard-data-server", "keras", "absl-py", "astunparse",
           "flatbuffers", "gast", "google-pasta", "grpcio", "h5py", "libclang", "ml-dtypes", "namex", "numpy",
           "opt-einsum", "optree", "protobuf", "termcolor", "wrapt", "rich", "markdown-it-py", "mdurl"}
names = {d.metadata["Name"].lower().replace("_", "-") for d in m.distributions()}
if names & {"tensorflow", "tensorflow-cpu"}:
    print(" ".join(sorted(n for n in names if n in only_tf or n.startswith("nvidia-"))))
PY
)
    if [ -n "$old" ]; then
      step "taking TensorFlow out of .venv (libtensorflow now comes from .libtensorflow/): pip uninstall $old"
      .venv/bin/python -m pip uninstall --quiet -y $old || fail "pip uninstall: see the messages above"
    fi
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$reqs" || fail "pip install: see the messages above (is PyPI reachable?)"
  echo "$want" > .venv/.lecture3-req
else
  step "Python environment .venv: up to date"
fi
[ $gpu = 1 ] && rm -f "$reqs"
if [ $gpu = 1 ]; then
  # the CUDA libraries of NVIDIA's wheels, for the kernel and the scripts (env.sh reads this file)
  .venv/bin/python -c 'import glob, os, sysconfig; print(":".join(sorted(glob.glob(os.path.join(sysconfig.get_paths()["purelib"], "nvidia", "*", "lib")))))' > .venv/.lecture3-gpu
  if [ ! -d node_modules/@tensorflow/tfjs-node-gpu ]; then
    step "npm package @tensorflow/tfjs-node-gpu 4.22.0 (GPU)"
    npm install --no-save --ignore-scripts --no-audit --no-fund @tensorflow/tfjs-node-gpu@4.22.0 || fail "npm install @tensorflow/tfjs-node-gpu: see the messages above"
  fi
else
  rm -f .venv/.lecture3-gpu
  [ -d node_modules/@tensorflow/tfjs-node-gpu ] && { step "removing @tensorflow/tfjs-node-gpu (LECTURE3_GPU=0)"; rm -rf node_modules/@tensorflow/tfjs-node-gpu; }
fi

# 3. native backend (the first build needs a C++ compiler)
ls node_modules/@tensorflow/tfjs-node*/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1 || need_compiler || exit 1
TFJS_NODE_PACKAGE=$([ $gpu = 1 ] && echo tfjs-node-gpu || echo tfjs-node) bash scripts/build-native.sh || fail "native backend build (scripts/build-native.sh); notebooks still run with TFJS_BACKEND=wasm"

# 4. helper library
if [ ! -f lib/dist/index.js ] || [ -n "$(find lib -name '*.ts' -not -path 'lib/dist/*' -newer lib/dist/index.js -print -quit)" ] || [ lib/tsconfig.json -nt lib/dist/index.js ]; then
  step "compiling lib/ → lib/dist"
  rm -rf lib/dist
  node_modules/.bin/tsc -p lib/tsconfig.json || fail "lib/ does not compile (errors above)"
else
  step "lib/dist: up to date"
fi

# 5. tslab kernel, inside .venv, naming the tslab binary by absolute path
spec=.venv/share/jupyter/kernels/tslab/kernel.json
.venv/bin/python - "$root" "$spec" "$(command -v node)" "$(cat .venv/.lecture3-gpu 2>/dev/null)" <<'PY' || fail "could not register the tslab kernel in .venv"
import json, os, sys
root, spec, node, cuda_libs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
want = {
    # --require: queued zeromq sends, cell records, interrupts, Japanese diagnostics (scripts/tslab-preload.js)
    "argv": [node, "--require", os.path.join(root, "scripts", "tslab-preload.js"),
             os.path.join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
    "display_name": "TypeScript",
    "language": "typescript",
    # (TensorFlow's log level is set by the library itself when it loads TensorFlow: lib/node/backend.ts)
}
if cuda_libs:  # GPU: NVIDIA's CUDA libraries from .venv (LECTURE3_GPU=1)
    want["env"] = {"LD_LIBRARY_PATH": cuda_libs}
have = None
if os.path.exists(spec):
    with open(spec) as f:
        have = json.load(f)
if have != want:
    os.makedirs(os.path.dirname(spec), exist_ok=True)
    with open(spec + ".tmp", "w") as f:
        json.dump(want, f, indent=1)
    os.replace(spec + ".tmp", spec)
    print("[setup] tslab kernel registered in", os.path.dirname(spec))
else:
    print("[setup] tslab kernel: up to date")
PY
need_kernel_spec "$root" || exit 1
# 6. settings: JupyterLab without the news pop-up (and without nbgrader's class panels); the HTML export template
#    that adds plotly.js to the page
.venv/bin/python - "$root" <<'PY' || fail "could not write the JupyterLab/nbconvert settings in .venv"
import json, os, shutil, sys
root = sys.argv[1]
venv = os.path.join(root, ".venv")
changed = []

def put(path, text):
    """Writes text to path (atomically) unless it is already there."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    changed.append(os.path.relpath(path, root))

# the completer waits 5 s for the kernel instead of 1 s: tslab answers Tab in 0.2-1.2 s on a busy machine (the first
# request of a kernel is the slowest), and past the timeout JupyterLab silently shows no completions (docs/kernel.md)
put(os.path.join(venv, "share/jupyter/lab/settings/overrides.json"),
    json.dumps({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                "@jupyterlab/completer-extension:manager": {"providerTimeout": 5000}}, indent=1) + "\n")
templates = os.path.join(venv, "share/jupyter/nbconvert/templates/lecture3")
for name in os.listdir(os.path.join(root, "nbconvert/lecture3")):
    with open(os.path.join(root, "nbconvert/lecture3", name), encoding="utf-8") as f:
        put(os.path.join(templates, name), f.read())
with open(os.path.join(root, "node_modules/plotly.js-dist-min/plotly.min.js"), encoding="utf-8") as f:
    plotly = f.read()
# the bundle's default addresses for map tiles and icons point at CDNs; no plot here uses them, and a page must not
plotly = plotly.replace("https://cdn.plot.ly/", "./").replace("https://cdn.jsdelivr.net/npm/", "./")
assert "{% endraw %}" not in plotly
put(os.path.join(templates, "plotly.js.j2"),
    "{% raw %}<script type=\"text/javascript\">" + plotly.replace("</script", "<\\/script") + "</script>{% endraw %}\n")
# the default HTML template, for `jupyter nbconvert --to html` and for JupyterLab's File > Save and Export
# nbgrader's JupyterLab panels (assignments, courses, formgrader) need a course and an exchange, which the class hub
# has (hub/singleuser/ turns the students' ones back on) and a laptop has not: there only the Validate button stays
nbgrader_panels = ["assignment-list", "course-list", "create-assignment", "formgrader", "menu"]
put(os.path.join(venv, "etc/jupyter/labconfig/page_config.json"),
    json.dumps({"disabledExtensions": {"@jupyter/nbgrader:" + p: True for p in nbgrader_panels}}, indent=1) + "\n")
conf = json.dumps({"HTMLExporter": {"template_name": "lecture3"}}, indent=1) + "\n"
put(os.path.join(venv, "etc/jupyter/jupyter_nbconvert_config.json"), conf)
put(os.path.join(venv, "etc/jupyter/jupyter_server_config.d/lecture3.json"), conf)
print("[setup] JupyterLab/nbconvert settings:", ", ".join(changed) if changed else "up to date")
PY
# 7. the views extension: a prebuilt labextension (no JupyterLab rebuild, no network), redone when its sources change
ext=.venv/share/jupyter/labextensions/@lecture3/views
want=$(hash_of views/package.json views/build.sh $(find views/src lib/core -name '*.ts' | sort))
if [ "$(cat "$ext/.lecture3-views" 2>/dev/null)" != "$want" ]; then
  step "JupyterLab extension @lecture3/views (views/build.sh)"
  bash views/build.sh "$ext" || fail "views/build.sh: the extension @lecture3/views does not build (errors above)"
  echo "$want" > "$ext/.lecture3-views"
else
  step "JupyterLab extension @lecture3/views: up to date"
fi
step "done"
