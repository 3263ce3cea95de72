# LECTURE3_HUB_AUTH=lti13 (hub/jupyterhub_config.py; docs/hub.md): students arrive from the university's LMS through
# LTI 1.3 (PyPI jupyterhub-ltiauthenticator), Moodle as the example. The LMS has already logged them in and launches
# the hub only for those enrolled in the course that holds the tool, so every launched user is let in.
# Register the hub in Moodle (Site administration > Plugins > Activity modules > External tool > Manage tools >
# configure a tool manually), then set the values Moodle shows:
#   LECTURE3_LTI_ISSUER      Moodle's address ("Platform ID"), e.g. https://moodle.example.ac.jp
#   LECTURE3_LTI_CLIENT_ID   the tool's "Client ID"
#   LECTURE3_LTI_AUTHORIZE_URL, LECTURE3_LTI_JWKS_URL: default to Moodle's <issuer>/mod/lti/auth.php and
#                            <issuer>/mod/lti/certs.php (another LMS: the values it shows)
#   LECTURE3_LTI_USERNAME_KEY the claim that names the student (default custom_uname: in Moodle's tool settings,
#                            Custom parameters: uname=$User.username; a Unix account name must come out of it)
# Tool settings in Moodle: Tool URL and Initiate login URL https://<hub>/hub/lti13/oauth_login, Redirection URI
# https://<hub>/hub/lti13/oauth_callback; the hub's JSON description for the LMS: https://<hub>/hub/lti13/config.
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub defines it)

issuer = os.environ.get("LECTURE3_LTI_ISSUER", "").rstrip("/")
client_id = os.environ.get("LECTURE3_LTI_CLIENT_ID", "")
missing = [n for n, v in (("LECTURE3_LTI_ISSUER", issuer), ("LECTURE3_LTI_CLIENT_ID", client_id)) if not v]
if missing:
    sys.exit(f"[hub] LTI 1.3 でのログインには {' と '.join(missing)} が必要です。LMS（Moodle: サイト管理 > プラグイン > "
             "外部ツール > ツールを管理する）にこのハブを登録し、表示される Platform ID（例 https://moodle.example.ac.jp）と"
             "Client ID を設定してください（docs/hub.md）")
if not issuer.startswith("https://"):
    sys.exit(f"[hub] LECTURE3_LTI_ISSUER は https:// で始まる LMS のアドレスにしてください（今: {issuer}）")

c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
c.LTI13Authenticator.issuer = issuer
c.LTI13Authenticator.client_id = [client_id]
c.LTI13Authenticator.authorize_url = os.environ.get("LECTURE3_LTI_AUTHORIZE_URL") or f"{issuer}/mod/lti/auth.php"
c.LTI13Authenticator.jwks_endpoint = os.environ.get("LECTURE3_LTI_JWKS_URL") or f"{issuer}/mod/lti/certs.php"
c.LTI13Authenticator.username_key = os.environ.get("LECTURE3_LTI_USERNAME_KEY") or "custom_uname"
c.LTI13Authenticator.tool_name = "lecture3 (TypeScript deep learning)"
c.Authenticator.allow_all = True  # the LMS launches only the course's members
