#!/usr/bin/env bash
# npm run hub: the class hub for a trial on this machine (hub/jupyterhub_config.py, docs/hub.md): set-up (idempotent),
# then JupyterHub on http://127.0.0.1:$LECTURE3_HUB_PORT/ (default 8000). Log in with any user name and the shared
# password $LECTURE3_HUB_PASSWORD (made here and printed when not set). Students' files: hub/state/users/<name>/.
# The dataset mirror: LECTURE3_DATA_MIRROR=/folder/holding/mnist (read-only for students; without it the notebooks
# download MNIST from the internet). Stop with Ctrl+C (stops every student's server too).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
source "$root/scripts/env.sh"
export LECTURE3_HUB_PORT=${LECTURE3_HUB_PORT:-8000}
if [ -z "${LECTURE3_HUB_PASSWORD:-}" ]; then
  LECTURE3_HUB_PASSWORD=$(python -c 'import secrets; print(secrets.token_urlsafe(9))')
  export LECTURE3_HUB_PASSWORD
fi
cat <<MSG
[hub] JupyterHub (trial): http://127.0.0.1:$LECTURE3_HUB_PORT/
[hub] log in with any user name (one per student) and the password: $LECTURE3_HUB_PASSWORD
[hub] students' files: ${LECTURE3_HUB_STATE:-$root/hub/state}/users/<name>/notebooks
[hub] dataset mirror: ${LECTURE3_DATA_MIRROR:-(none: LECTURE3_DATA_MIRROR is not set, so each student downloads MNIST)}
[hub] a trial only: every student's server runs as this Unix user; a real class uses the university's SSO/LDAP/OAuth
[hub] log-in and one container or Unix user per student (docs/hub.md)
MSG
cd "$root"
exec jupyterhub -f "$root/hub/jupyterhub_config.py" "$@"
