# The environment checks of scripts/setup.sh, one function each, sourced by it (and by test/faults-environment.test.ts,
# which runs each one against a broken environment). A check prints nothing and returns 0 when all is well; otherwise
# it prints one line "[setup] FAILED: <what is wrong>: <the remedy>" on stderr and returns 1.
# Usage: source scripts/check-env.sh; need_python python3 || exit 1

env_fail() { printf '[setup] FAILED: %s\n' "$*" >&2; return 1; }

# Node.js 20 or newer.
need_node() {
  command -v node >/dev/null || { env_fail "node is not installed: install Node.js 20 or newer"; return 1; }
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || env_fail "Node.js $(node -v) is too old: install Node.js 20 or newer"
}

# $1 (a python command) is Python 3.10 or newer.
need_python() {
  "$1" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null ||
    env_fail "$1 is missing or older than 3.10: install Python 3.10-3.12, or set PYTHON=/path/to/python3"
}

# $1 can create a virtual environment with pip in it (Debian and Ubuntu ship venv and ensurepip separately).
need_venv() {
  "$1" -m venv --help >/dev/null 2>&1 && "$1" -c 'import ensurepip' >/dev/null 2>&1 ||
    env_fail "$1 cannot create a virtual environment (its venv module or ensurepip is missing): install it (Debian/Ubuntu: apt-get install python3-venv), or set PYTHON to a Python that has it"
}

# A C++ compiler and make, to build TensorFlow.js's native binding (node-gyp).
need_compiler() {
  local missing=""
  command -v c++ >/dev/null || command -v g++ >/dev/null || missing="a C++ compiler (g++)"
  command -v make >/dev/null || missing="${missing:+$missing and }make"
  [ -z "$missing" ] ||
    env_fail "$missing not found on PATH, needed once to build the native TensorFlow binding: install them (Debian/Ubuntu: apt-get install build-essential), or run the notebooks with TFJS_BACKEND=wasm"
}

# The folder $1 can be written (set-up writes node_modules, .venv, lib/dist and datasets there).
need_writable() {
  local probe="$1/.lecture3-write-test-$$"
  if ! (: > "$probe") 2>/dev/null; then
    env_fail "the project folder $1 cannot be written (read-only, or owned by another user): copy or clone it into a folder of your own (e.g. git clone … ~/lecture3) and run npm run setup there"
    return 1
  fi
  rm -f "$probe"
}

# The clone in $1 was not moved since its .venv was made: a virtual environment's scripts (and the kernel spec in
# it) hold absolute paths, and after a move they point at the old folder.
need_unmoved() {
  local root=$1 pip="$1/.venv/bin/pip" made
  if [ -f "$pip" ]; then
    made=$(head -1 "$pip" | sed -n 's|^#!\(.*\)/bin/python[0-9.]*$|\1|p')
    if [ -n "$made" ] && [ "$made" != "$root/.venv" ]; then
      env_fail "this clone was moved: .venv was made in $(dirname "$made"), and a virtual environment cannot be moved; remove it (rm -rf $root/.venv) and run npm run setup again"
      return 1
    fi
  fi
}

# Every absolute path in the tslab kernel spec of the clone $1 exists (node, the preload script, tslab).
need_kernel_spec() {
  local root=$1 spec="$1/.venv/share/jupyter/kernels/tslab/kernel.json"
  if [ -f "$spec" ]; then
    local p
    for p in $(grep -o '"/[^":]*"' "$spec" | tr -d '"'); do  # (not the GPU set-up's LD_LIBRARY_PATH list)
      [ -e "$p" ] || { env_fail "the tslab kernel spec $spec names $p, which does not exist (the clone was moved?): run npm run setup in $root to register the kernel again"; return 1; }
    done
  fi
  return 0
}
