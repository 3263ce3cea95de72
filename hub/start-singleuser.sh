#!/usr/bin/env bash
# A student's server on the class hub: prepares the student's folder, then starts their JupyterLab
# (jupyterhub-singleuser, arguments passed on). Run by hub/jupyterhub_config.py (one machine) and by the image of
# hub/Dockerfile (Kubernetes, hub/helm/values.yaml), as the student's own Unix user (hub/accounts.py) with HOME the
# student's folder:
#   $HOME/notebooks        the student's copy of notebooks/*.ipynb and README.md: a file missing there is copied (the
#                          first start, a notebook the lecturer added later, one the student deleted), a file already
#                          there (the student's own, edited or not) is never touched
#   $HOME/node_modules     → the project's: the notebooks import "lecture3" and @tensorflow/tfjs from there
#   $LECTURE3_DATA_CACHE   the student's data cache (lib/node/paths.ts), filled from the read-only mirror
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$HOME/notebooks" "${LECTURE3_DATA_CACHE:-$HOME/datasets}"
for f in "$root"/notebooks/*.ipynb "$root/notebooks/README.md"; do
  [ -e "$HOME/notebooks/${f##*/}" ] || cp "$f" "$HOME/notebooks/"
done
[ -L "$HOME/node_modules" ] || ln -s "$root/node_modules" "$HOME/node_modules"
cd "$HOME/notebooks"  # the server's folder: nbgrader fetches assignments into it, where JupyterLab shows them
# a kernel killed at the memory cap (hub/accounts.py) becomes a message in the student's cell (hub/memory_guard.py)
export PYTHONPATH="$root/hub${PYTHONPATH:+:$PYTHONPATH}"
exec "$root/.venv/bin/jupyterhub-singleuser" --ServerApp.kernel_websocket_connection_class=memory_guard.MemoryGuardConnection "$@"
