#!/usr/bin/env bash
# npm run hub: the class hub on this machine (hub/jupyterhub_config.py, docs/hub.md): set-up (idempotent), then
# JupyterHub on http://127.0.0.1:$LECTURE3_HUB_PORT/ (default 8000; https:// with LECTURE3_HUB_SSL_CERT and
# LECTURE3_HUB_SSL_KEY). Run as root for a class (one Unix account per student), as yourself for a try-out.
#   npm run hub                       students sign up, the lecturer ($LECTURE3_HUB_ADMIN, default lecturer) signs up
#                                     first and approves them at /hub/authorize
#   npm run hub -- --auth lti13       from the LMS (Moodle): LECTURE3_LTI_ISSUER, LECTURE3_LTI_CLIENT_ID (hub/auth/lti13.py)
#   npm run hub -- --auth oidc        the university's SSO: LECTURE3_OIDC_* (hub/auth/oidc.py)
#   npm run hub -- --auth shared      one password for everyone ($LECTURE3_HUB_PASSWORD, made here when not set): a
#                                     try-out alone, never a class
# Other options go to jupyterhub (e.g. --NativeAuthenticator.seconds_before_next_try=300). The dataset mirror:
# LECTURE3_DATA_MIRROR=/folder/holding/mnist (read-only for students). Stop with Ctrl+C (stops every student's server).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --auth) [ $# -ge 2 ] || { echo "[hub] --auth の後にログイン方式を書いてください（native, lti13, oidc, shared）" >&2; exit 2; }
            export LECTURE3_HUB_AUTH=$2; shift 2 ;;
    --auth=*) export LECTURE3_HUB_AUTH=${1#--auth=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
auth=${LECTURE3_HUB_AUTH:-native}
if [ ! -f "$root/hub/auth/$auth.py" ] || [[ $auth == */* ]]; then
  echo "[hub] ログイン方式 '$auth' はありません。native（既定: 学生が登録し講師が承認）, lti13（LMS から）, oidc（大学の SSO）," \
       "shared（一人で試すとき）のどれかを --auth か LECTURE3_HUB_AUTH で指定してください（docs/hub.md）" >&2
  exit 2
fi
bash "$root/scripts/setup.sh"
source "$root/scripts/env.sh"
export LECTURE3_HUB_PORT=${LECTURE3_HUB_PORT:-8000} LECTURE3_HUB_ADMIN=${LECTURE3_HUB_ADMIN:-lecturer}
scheme=http; [ -n "${LECTURE3_HUB_SSL_CERT:-}" ] && scheme=https
echo "[hub] JupyterHub: $scheme://${LECTURE3_HUB_IP:-127.0.0.1}:$LECTURE3_HUB_PORT/ (log-in: $auth, hub/auth/$auth.py)"
case "$auth" in
  native) echo "[hub] first sign up as the lecturer '$LECTURE3_HUB_ADMIN' at /hub/signup (approved at once), then approve" \
               "each student's sign-up at /hub/authorize" ;;
  shared)
    if [ -z "${LECTURE3_HUB_PASSWORD:-}" ]; then
      LECTURE3_HUB_PASSWORD=$(python -c 'import secrets; print(secrets.token_urlsafe(9))')
      export LECTURE3_HUB_PASSWORD
    fi
    echo "[hub] any user name with the password: $LECTURE3_HUB_PASSWORD (anyone who knows it can be anyone: not for a class)" ;;
esac
echo "[hub] students' files: ${LECTURE3_HUB_STATE:-$root/hub/state}/users/<name>/notebooks"
echo "[hub] dataset mirror: ${LECTURE3_DATA_MIRROR:-(none: LECTURE3_DATA_MIRROR is not set, so each student downloads MNIST)}"
[ "$(id -u)" = 0 ] || echo "[hub] not root: every student's server runs as $(id -un), who can read all their files (a try-out; docs/hub.md)"
cd "$root"
exec jupyterhub -f "$root/hub/jupyterhub_config.py" "${args[@]}"
