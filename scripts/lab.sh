#!/usr/bin/env bash
# Opens the lecture: set-up (idempotent), then JupyterLab on 127.0.0.1 with the notebooks and the TypeScript kernel.
# Extra arguments go to `jupyter lab` (e.g. --port=9999 --no-browser).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
source "$root/scripts/env.sh"
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)   # JupyterLab refuses root without it (containers, CI)
exec "$root/.venv/bin/jupyter" lab --ip=127.0.0.1 --ServerApp.root_dir="$root/notebooks" "${extra[@]}" "$@"
