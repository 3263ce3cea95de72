"""The class hub's log-in, HTTPS and idle culling (hub/jupyterhub_config.py, hub/auth/, docs/hub.md). Run by
scripts/test.sh (step 7):

    .venv/bin/python test/hub/login_test.py

Four real JupyterHubs in turn, each on free ports of 127.0.0.1 with a fresh state folder (test/hub/hubctl.py):
  1. the default log-in (NativeAuthenticator): a sign-up waits for the lecturer's approval; a student cannot approve;
     a short or common password is refused at sign-up; a wrong password is refused; repeated wrong passwords lock the
     name out (here 3 tries, 2 s, given on the command line) even for the right password, until the time is over;
     a student's token reaches their own server and nobody else's (server and hub API: 403/404), nor can their
     browser log-in open another's JupyterLab;
  2. HTTPS with a self-signed certificate made here with openssl (LECTURE3_HUB_SSL_CERT/KEY): a request that trusts
     that certificate succeeds, one that does not is refused; and jupyterhub-idle-culler with a short timeout
     (LECTURE3_HUB_CULL_TIMEOUT=4): a started server nobody uses is stopped by the culler;
  3. LTI 1.3 (hub/auth/lti13.py, Moodle's addresses): the tool's JSON for the LMS; a login initiation as Moodle sends
     it is redirected to Moodle's auth.php with the client id and the hub's callback;
  4. OpenID Connect (hub/auth/oidc.py): the login redirects to the IdP's authorize URL with the client id, the
     callback and scope openid.
There is no LMS or IdP here: 3 and 4 stop at the redirect to them (the hub's half of the exchange).
Also: a log-in method that does not exist, LTI/OIDC without their settings, a certificate without its key each stop
the hub at start with a message saying what to set; `npm run hub -- --auth <unknown>` too.
After each hub: nothing of it left running. Ends with "login: N passed, M failed".
"""
import os
import pwd
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).parent))
from hubctl import BIN, ROOT, Hub, User, account_cmd, check, run_test  # noqa: E402

STUDENTS = ("ana", "ben", "cho")  # the names whose servers start (other tests use others: their Unix accounts, as root)
MOODLE = "https://moodle.example.ac.jp"
IDP = "https://sso.example.ac.jp/realms/univ/protocol/openid-connect"


def stopped_clean(hub):
    hub.stop()
    check("the hub stopped, nothing of it left running (proxy, servers, services)", not hub.left, [p.pid for p in hub.left])


def native():
    print("1. NativeAuthenticator (sign-up, approval, wrong passwords, lock-out, tokens)")
    with Hub(args=["--NativeAuthenticator.allowed_failed_logins=3", "--NativeAuthenticator.seconds_before_next_try=2"],
             env={"LECTURE3_HUB_CULL_TIMEOUT": "0"}) as hub:
        check("the lecturer (LECTURE3_HUB_ADMIN) signed up first and logs in as the hub's admin",
              hub.admin.api("GET", "users").status_code == 200)
        login_page = requests.get(hub.url + "hub/login", timeout=30).text
        check("the login page offers sign-up", 'href="/hub/signup"' in login_page, login_page[-300:])

        mallory = User(hub, "mallory", "a-long-pass-phrase-1")
        msg = mallory.sign_up()
        check("a sign-up waits for the lecturer's approval", "sent to the admin" in msg, msg)
        check("before approval, the right password does not log in (and says so)",
              not mallory.log_in() and "has not been authorized" in mallory.last_login_page)
        weak, common = User(hub, "weak", "abc123"), User(hub, "common", "qwertyuiop")
        msgs = [weak.sign_up(), common.sign_up()]
        check("a password shorter than 8 characters, or a common one, is refused at sign-up (and says why)",
              all("at least 8 characters and is not too common" in m for m in msgs) and not weak.log_in() and not common.log_in(), msgs)
        msg = User(hub, "lecturer", "an-impostor-password").sign_up()
        check("nobody can sign up again under a name already taken (the lecturer's)", "already in use" in msg, msg)

        ana, ben = hub.student("ana"), hub.student("ben")
        check("after the lecturer's approval, students log in through the login form and get a token", ana.token and ben.token)
        r = ana.browser.get(f"{hub.url}hub/authorize/mallory", allow_redirects=False, timeout=30)
        check("a student cannot approve a sign-up (the approval page refuses them)", r.status_code == 403 and not mallory.log_in(),
              r.status_code)
        check("a wrong password is refused", not ana.log_in("not-her-password"))

        fails = [ben.log_in("wrong-password") for _ in range(3)]
        check("after 3 wrong passwords the name is locked: even the right password is refused", not any(fails) and not ben.log_in())
        check("the lock-out is per name: another student logs in meanwhile", ana.log_in())
        time.sleep(3.2)  # seconds_before_next_try=2 (NativeAuthenticator counts whole seconds elapsed, > 2)
        check("once the lock-out time is over the right password logs in again", ben.log_in())

        ana.start_server(), ben.start_server()
        check("both students' servers start", ana.wait_ready() and ben.wait_ready(), hub.log_tail())
        check("a student's token reaches their own server", ana.get(ana.url + "api/contents").status_code == 200)
        codes = {
            "another's server (contents API)": ana.get(ben.url + "api/contents").status_code,
            "another's server (JupyterLab)": ana.get(ben.url + "lab").status_code,
            "another's record at the hub": ana.api("GET", "users/ben").status_code,
            "stopping another's server": ana.api("DELETE", "users/ben/server").status_code,
            "a token for another": ana.api("POST", "users/ben/tokens", json={}).status_code,
            "the list of users": ana.api("GET", "users").status_code,
        }
        check("a student's token gets 403/404 from another's server and hub API: "
              + ", ".join(f"{k} {v}" for k, v in codes.items()), all(v in (403, 404) for v in codes.values()))
        check("and another's server keeps running", ben.server() is not None and ben.get(ben.url + "api/contents").status_code == 200)
        r = ana.browser.get(ben.url + "lab", timeout=60)  # the browser follows the hub's OAuth redirects
        check("a student's browser log-in cannot open another's JupyterLab", r.status_code in (403, 404) or "/user/ben/lab" not in r.url,
              f"{r.status_code} {r.url}")
        stopped_clean(hub)


def make_cert(folder):
    cert, key = folder / "hub.crt", folder / "hub.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def https_and_culler(tmp):
    print("2. HTTPS with a self-signed certificate; jupyterhub-idle-culler")
    cert, key = make_cert(tmp)
    with Hub(https=(cert, key), env={"LECTURE3_HUB_CULL_TIMEOUT": "4"}) as hub:
        check("the hub is served over https", hub.url.startswith("https://") and requests.get(hub.url + "hub/api/", verify=str(cert), timeout=30).ok)
        try:
            requests.get(hub.url + "hub/api/", timeout=30)  # the system's CAs do not know this certificate
            refused = False
        except requests.exceptions.SSLError:
            refused = True
        check("a client that does not trust the certificate is refused (it is real TLS)", refused)
        try:
            plain = requests.get(hub.url.replace("https", "http") + "hub/api/", timeout=10).status_code
        except requests.ConnectionError:
            plain = "refused"
        check("plain http on the same port is not served", plain != 200, plain)
        cho = hub.student("cho")
        check("sign-up, approval, log-in over https", cho.token)
        svc = hub.admin.api("GET", "services").json()
        check("the idle culler runs as a hub service with its role (list:users, read:users:activity, read:servers, "
              "delete:servers)", "idle-culler" in svc and "idle-culler" in svc["idle-culler"].get("roles", []), svc)
        cho.start_server()
        check("a student's server starts", cho.wait_ready(), hub.log_tail())
        t0 = time.time()
        while time.time() - t0 < 120 and cho.server():
            time.sleep(1)
        check("nobody uses it: the idle culler stops it", cho.server() is None
              and re.search(r"IdleCuller.*Culling server cho", hub.log_tail(200)), hub.log_tail(20))
        check("the student can still log in", cho.log_in())
        stopped_clean(hub)


def lti13():
    print("3. LTI 1.3 (Moodle) — no LMS here: up to the redirect to it")
    env = {"LECTURE3_LTI_ISSUER": MOODLE, "LECTURE3_LTI_CLIENT_ID": "AbC123xyz", "LECTURE3_HUB_CULL_TIMEOUT": "0"}
    with Hub(auth="lti13", env=env) as hub:
        cfg = requests.get(hub.url + "hub/lti13/config", timeout=30)
        check("the tool's JSON configuration for the LMS (/hub/lti13/config)",
              cfg.ok and cfg.json().get("oidc_initiation_url", "").endswith("/hub/lti13/oauth_login"), cfg.text[:300])
        r = requests.post(hub.url + "hub/lti13/oauth_login", data={
            "iss": MOODLE, "login_hint": "2", "target_link_uri": hub.url + "hub/lti13/oauth_login",
            "lti_message_hint": "17", "client_id": "AbC123xyz", "lti_deployment_id": "1"}, allow_redirects=False, timeout=30)
        loc = urlparse(r.headers.get("Location", ""))
        q = parse_qs(loc.query)
        check("a login initiation from Moodle is sent on to Moodle's auth.php with the client id and the hub's callback",
              r.status_code == 302 and f"{loc.scheme}://{loc.netloc}{loc.path}" == f"{MOODLE}/mod/lti/auth.php"
              and q.get("client_id") == ["AbC123xyz"] and q.get("redirect_uri", [""])[0].endswith("/hub/lti13/oauth_callback")
              and q.get("response_type") == ["id_token"] and q.get("scope") == ["openid"], f"{r.status_code} {r.headers.get('Location')}")
        bad = requests.post(hub.url + "hub/lti13/oauth_login", data={"iss": MOODLE}, allow_redirects=False, timeout=30)
        check("an initiation without LTI's required fields is refused (400)", bad.status_code == 400, bad.status_code)
        stopped_clean(hub)


def oidc():
    print("4. OpenID Connect (GenericOAuthenticator) — no IdP here: up to the redirect to it")
    env = {"LECTURE3_OIDC_AUTHORIZE_URL": f"{IDP}/auth", "LECTURE3_OIDC_TOKEN_URL": f"{IDP}/token",
           "LECTURE3_OIDC_USERINFO_URL": f"{IDP}/userinfo", "LECTURE3_OIDC_CLIENT_ID": "lecture3-hub",
           "LECTURE3_OIDC_CLIENT_SECRET": "s3cret", "LECTURE3_HUB_PUBLIC_URL": "https://jupyter.example.ac.jp",
           "LECTURE3_HUB_CULL_TIMEOUT": "0"}
    with Hub(auth="oidc", env=env) as hub:
        page = requests.get(hub.url + "hub/login", timeout=30).content.decode()  # (no charset in its header)
        check("the login page offers the university's SSO", "大学のアカウント" in page, page[-300:])
        r = requests.get(hub.url + "hub/oauth_login", allow_redirects=False, timeout=30)
        loc = urlparse(r.headers.get("Location", ""))
        q = parse_qs(loc.query)
        check("the login redirects to the IdP with the client id, the hub's public callback and scope openid",
              r.status_code == 302 and f"{loc.scheme}://{loc.netloc}{loc.path}" == f"{IDP}/auth"
              and q.get("client_id") == ["lecture3-hub"] and q.get("redirect_uri") == ["https://jupyter.example.ac.jp/hub/oauth_callback"]
              and "openid" in q.get("scope", [""])[0].split() and q.get("state"), f"{r.status_code} {r.headers.get('Location')}")
        stopped_clean(hub)


def refused_at_start(tmp):
    print("5. wrong settings stop the hub at start with a message")
    cases = [
        ("a log-in method that does not exist", {"LECTURE3_HUB_AUTH": "ldap"}, "native"),
        ("LTI 1.3 without its settings", {"LECTURE3_HUB_AUTH": "lti13"}, "LECTURE3_LTI_ISSUER"),
        ("a certificate without its key", {"LECTURE3_HUB_SSL_CERT": str(tmp / "hub.crt")}, "LECTURE3_HUB_SSL_KEY"),
    ]
    runs = []
    for name, env, word in cases:  # at once: each is mostly Python importing JupyterHub
        state = Path(tempfile.mkdtemp(prefix="lecture3-hub-test-", dir=tmp))
        state.chmod(0o711)
        full = {**os.environ, "LECTURE3_HUB_STATE": str(state), "LECTURE3_HUB_PORT": "1", "LECTURE3_HUB_AUTH": "native", **env}
        runs.append(subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(ROOT / "hub" / "jupyterhub_config.py")], env=full,
                                     cwd=state, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for (name, env, word), p in zip(cases, runs):
        out = p.communicate(timeout=120)[0]
        said = [line for line in out.splitlines() if "[hub]" in line and word in line]
        check(f"{name}: the hub does not start and says what to set", p.returncode != 0 and said, out[-400:])
    p = subprocess.run(["bash", str(ROOT / "scripts" / "hub.sh"), "--auth", "ldap"], capture_output=True, text=True, timeout=60)
    check("npm run hub -- --auth ldap: refused with the list of log-in methods, before any set-up",
          p.returncode != 0 and "native" in p.stderr and "[setup]" not in p.stdout, p.stdout[-200:] + p.stderr[-300:])


def accounts():
    names = set()
    for n in STUDENTS:
        try:
            names.add(pwd.getpwnam(n).pw_name)
        except KeyError:
            pass
    return names


def main():
    before = accounts()
    try:
        run_parts()
    finally:  # run as root, the hub made a Unix account for each student who started a server (hub/accounts.py)
        for n in accounts() - before:
            account_cmd(["userdel", n])


def run_parts():
    with tempfile.TemporaryDirectory(prefix="lecture3-login-test-") as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o711)
        parts = {"native": native, "https": lambda: https_and_culler(tmp), "lti13": lti13, "oidc": oidc,
                 "settings": lambda: refused_at_start(tmp)}
        for part in [parts[a] for a in sys.argv[1:]] or parts.values():  # (names: only those parts)
            t0 = time.time()
            try:
                part()
            except Exception as e:  # a failure outside the checks still counts, with its cause
                import traceback

                traceback.print_exc()
                check("the part ran to its end", False, repr(e))
            print(f"  ({time.time() - t0:.1f} s)")


if __name__ == "__main__":
    run_test(main, "login")
