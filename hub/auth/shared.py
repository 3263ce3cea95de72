# LECTURE3_HUB_AUTH=shared (hub/jupyterhub_config.py; docs/hub.md): one password for every user name
# (SharedPasswordAuthenticator). Anyone who knows it can log in as any student: for trying the hub out alone on a
# laptop, never for a class.
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub defines it)

password = os.environ.get("LECTURE3_HUB_PASSWORD", "")
if len(password) < 8:
    sys.exit("[hub] LECTURE3_HUB_AUTH=shared には 8 文字以上のパスワードを LECTURE3_HUB_PASSWORD に設定してください"
             "（npm run hub -- --auth shared は設定されていなければ作って表示します）。授業には使わないでください（docs/hub.md）")
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = password
c.Authenticator.allow_all = True
