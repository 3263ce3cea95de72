# LECTURE3_HUB_AUTH=oidc (hub/jupyterhub_config.py; docs/hub.md): the university's single sign-on through OpenID
# Connect (PyPI oauthenticator, GenericOAuthenticator): Keycloak, Microsoft Entra ID, Google Workspace, Shibboleth's
# OIDC plugin... Register the hub at the identity provider (IdP) as a confidential client with the redirect URI
# https://<hub>/hub/oauth_callback, then set what it gives (the endpoints are in its
# /.well-known/openid-configuration):
#   LECTURE3_OIDC_AUTHORIZE_URL, LECTURE3_OIDC_TOKEN_URL, LECTURE3_OIDC_USERINFO_URL
#   LECTURE3_OIDC_CLIENT_ID, LECTURE3_OIDC_CLIENT_SECRET
#   LECTURE3_HUB_PUBLIC_URL    the hub's address as students see it, e.g. https://jupyter.example.ac.jp
#   LECTURE3_OIDC_USERNAME_CLAIM  the claim that names the student (default preferred_username; it becomes their
#                              Unix account name)
#   LECTURE3_HUB_STUDENTS      a file with the class's user names, one a line: only they (and the lecturer) get in.
#                              Without it everyone the IdP knows gets in (the whole university).
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it)

need = ["LECTURE3_OIDC_AUTHORIZE_URL", "LECTURE3_OIDC_TOKEN_URL", "LECTURE3_OIDC_USERINFO_URL", "LECTURE3_OIDC_CLIENT_ID",
        "LECTURE3_OIDC_CLIENT_SECRET", "LECTURE3_HUB_PUBLIC_URL"]
missing = [n for n in need if not os.environ.get(n)]
if missing:
    sys.exit(f"[hub] OpenID Connect でのログインには {', '.join(missing)} が必要です。大学の IdP にこのハブを登録し"
             "（リダイレクト URI: https://<ハブのアドレス>/hub/oauth_callback）、IdP の /.well-known/openid-configuration "
             "にあるエンドポイントと client id / secret を設定してください（docs/hub.md）")
env = os.environ

c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.login_service = "大学のアカウント (SSO)"
c.GenericOAuthenticator.authorize_url = env["LECTURE3_OIDC_AUTHORIZE_URL"]
c.GenericOAuthenticator.token_url = env["LECTURE3_OIDC_TOKEN_URL"]
c.GenericOAuthenticator.userdata_url = env["LECTURE3_OIDC_USERINFO_URL"]
c.GenericOAuthenticator.client_id = env["LECTURE3_OIDC_CLIENT_ID"]
c.GenericOAuthenticator.client_secret = env["LECTURE3_OIDC_CLIENT_SECRET"]
c.GenericOAuthenticator.oauth_callback_url = env["LECTURE3_HUB_PUBLIC_URL"].rstrip("/") + "/hub/oauth_callback"
c.GenericOAuthenticator.scope = ["openid", "profile", "email"]
c.GenericOAuthenticator.username_claim = env.get("LECTURE3_OIDC_USERNAME_CLAIM") or "preferred_username"
students = env.get("LECTURE3_HUB_STUDENTS", "")
if students:
    if not Path(students).is_file():
        sys.exit(f"[hub] LECTURE3_HUB_STUDENTS={students} はファイルではありません。受講者のユーザー名を 1 行に 1 つ書いた"
                 "ファイルを指定してください（指定しなければ IdP の全員がログインできます）")
    c.GenericOAuthenticator.allowed_users = {u.strip() for u in Path(students).read_text().splitlines() if u.strip()}
else:
    print("[hub] warning: LECTURE3_HUB_STUDENTS is not set: everyone the IdP knows can log in (docs/hub.md)", file=sys.stderr)
    c.GenericOAuthenticator.allow_all = True
