"""Test helpers for the class hub (hub/jupyterhub_config.py), used by test/hub/*_test.py:

    from hubctl import Hub
    with Hub() as hub:                                # JupyterHub on free ports of 127.0.0.1, a fresh state folder
        alice = hub.student("alice")                  # signs up at /hub/signup, the lecturer approves, logs in
        alice.start_server(); alice.wait_ready()      # her server, through the hub's API with her own token
        alice.get(alice.url + "api/contents")         # her server's API
    # leaving the block stops the hub and kills anything of the run still running; hub.left is what was left

Hub(auth="native", env={...}, args=[...]) takes the log-in (hub/auth/<auth>.py), extra environment and extra
command-line options for jupyterhub (e.g. "--NativeAuthenticator.seconds_before_next_try=3"). With auth="native" the
lecturer (LECTURE3_HUB_ADMIN, "lecturer" here) signs up first, as a real lecturer does, and approves each student
through the real page /hub/authorize/<name>. Everything goes through the hub's real pages and API over HTTP(S).
"""
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "hub"))
from accounts import account_cmd  # noqa: E402,F401 (hub/accounts.py; the tests' useradd/userdel, retried while /etc/passwd is locked)
BIN = ROOT / ".venv" / "bin"
ADMIN = "lecturer"


def free_ports():
    """A port p with p+1 and p+2 free as well (the hub's address, the proxy's API, the hub's API), drawn below the
    kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 on Linux): a port taken from that
    range with bind(0) can be taken again, before the hub binds it, by whatever else binds port 0 meanwhile (the
    students' servers and kernels of the tests running beside this one, outgoing connections)."""
    low = 32768
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for _ in range(200):
        p = random.randrange(max(1024, low - 12000), low - 3)
        try:
            for q in (p, p + 1, p + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", q))
            return p
        except OSError:
            continue
    raise RuntimeError("no three consecutive free ports on 127.0.0.1")


results = []  # one bool a check, for the test that imports check() from here


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"  {'✔' if ok else '✘'} {name}" + ("" if ok else f": {detail}"), flush=True)


def run_test(main, suite):
    """A hub test's main() run as a script: SIGTERM (a CI time-out) still stops its hubs (their blocks' exits run); a
    failure outside the checks still counts, with its cause; ends with "<suite>: N passed, M failed" (scripts/test.sh)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except Exception as e:
        import traceback

        traceback.print_exc()
        check(f"the {suite} test ran to its end", False, repr(e))
    print(f"{suite}: {sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if results and all(results) else 1)


def processes_of(state, also=()):
    """This run's processes: the hub's environment names the state folder, the proxy inherits it, students' servers
    and kernels have their home in it; also: (pid, start time) of processes seen under the hub (its services) — the
    start time too, since pids wrap (32768 here) and a pid seen once may be another test's process by now."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.pid == os.getpid():
                continue
            if (p.pid, p.create_time()) in also or str(state) in " ".join(p.cmdline()) or any(str(state) in v for v in p.environ().values()):
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def alive(p):
    try:
        return p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def xsrf_of(html):
    m = re.search(r'name="_xsrf" value="([^"]+)"', html)
    return m.group(1) if m else ""


class User:
    """A hub user as a browser (session with cookies) and as an API client (token)."""

    def __init__(self, hub, name, password):
        self.hub, self.name, self.password = hub, name, password
        self.url = f"{hub.url}user/{name}/"
        self.browser = hub.session()
        self.token = None

    def sign_up(self):
        """Signs up through /hub/signup; returns the page's message."""
        page = self.browser.get(self.hub.url + "hub/signup", timeout=60)
        r = self.browser.post(self.hub.url + "hub/signup", data={
            "username": self.name, "signup_password": self.password, "signup_password_confirmation": self.password,
            "_xsrf": xsrf_of(page.text)}, timeout=60)
        m = re.search(r'<div class="alert[^"]*"[^>]*>\s*(.*?)\s*</div>', r.text, re.S)
        return re.sub(r"\s+", " ", m.group(1)) if m else r.text[-300:]

    def log_in(self, password=None):
        """Logs in through /hub/login in a fresh browser session; True when the hub accepted (redirects on; the
        session is then this user's browser), False when it showed the form again (self.last_login_page)."""
        browser = self.hub.session()
        page = browser.get(self.hub.url + "hub/login", timeout=60)
        r = browser.post(self.hub.url + "hub/login", data={
            "username": self.name, "password": self.password if password is None else password,
            "_xsrf": xsrf_of(page.text)}, allow_redirects=False, timeout=60)
        self.last_login_page = r.text
        if r.status_code == 302:
            self.browser = browser
            return True
        if r.status_code != 200 or 'name="password"' not in r.text:
            raise RuntimeError(f"the login form answered {r.status_code}: {r.text[-300:]}")
        return False

    def make_token(self, note="test"):
        """An API token of this user's, made through the logged-in browser session (as the hub's token page does)."""
        self.browser.get(self.hub.url + "hub/token", timeout=60)
        xsrf = self.browser.cookies.get("_xsrf", path="/hub/") or self.browser.cookies.get("_xsrf")
        r = self.browser.post(f"{self.hub.url}hub/api/users/{self.name}/tokens", json={"note": note},
                              headers={"X-XSRFToken": xsrf or ""}, timeout=60)
        r.raise_for_status()
        self.token = r.json()["token"]
        return self.token

    def headers(self):
        return {"Authorization": f"token {self.token}"}

    def get(self, url, **kw):
        return requests.get(url, headers=self.headers(), allow_redirects=False, timeout=60, verify=self.hub.verify, **kw)

    def api(self, method, path, **kw):
        """The hub's REST API (/hub/api/<path>) with this user's token."""
        return requests.request(method, f"{self.hub.url}hub/api/{path}", headers=self.headers(), timeout=60,
                                verify=self.hub.verify, **kw)

    def start_server(self):
        self.api("POST", f"users/{self.name}/server").raise_for_status()

    def server(self):
        """The hub's record of this user's default server (None when it is not running)."""
        return self.api("GET", f"users/{self.name}").json().get("servers", {}).get("")

    def wait_ready(self, timeout=180):
        t0 = time.time()
        while time.time() - t0 < timeout:
            s = self.server()
            if s and s.get("ready"):
                return True
            time.sleep(0.5)
        return False

    def stop_server(self, timeout=60):
        self.api("DELETE", f"users/{self.name}/server").raise_for_status()
        t0 = time.time()
        while time.time() - t0 < timeout and self.server():
            time.sleep(0.5)


class Hub:
    def __init__(self, auth="native", env=None, args=(), state=None, https=None):
        """https: (cert, key) paths to serve TLS with (LECTURE3_HUB_SSL_CERT/KEY); requests then trust cert."""
        self.auth, self.args = auth, list(args)
        self.state = Path(state or tempfile.mkdtemp(prefix="lecture3-hub-test-"))
        self.state.chmod(0o711)  # students' servers (their own Unix users, when run as root) pass through it
        self.verify = str(https[0]) if https else True
        self.scheme = "https" if https else "http"
        self.env = {**os.environ, "LECTURE3_HUB_STATE": str(self.state),
                    "LECTURE3_HUB_AUTH": auth, "LECTURE3_HUB_ADMIN": ADMIN,
                    "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})}
        if https:
            self.env.update(LECTURE3_HUB_SSL_CERT=str(https[0]), LECTURE3_HUB_SSL_KEY=str(https[1]))
        self.take_ports()
        self.proc, self.admin, self.left, self.seen, self.started = None, None, [], set(), False

    def take_ports(self):
        """Free ports for the hub (free_ports()): its address (self.port, self.url) and the environment it starts with."""
        self.port = free_ports()
        self.url = f"{self.scheme}://127.0.0.1:{self.port}/"
        self.env["LECTURE3_HUB_PORT"] = str(self.port)

    def session(self):
        s = requests.Session()
        s.verify = self.verify
        s.trust_env = False  # else REQUESTS_CA_BUNDLE (set on many machines) overrides verify; no proxy for 127.0.0.1
        return s

    def start(self, timeout=90, retry=True):
        """Starts jupyterhub and waits for its API through the proxy; with native log-in, the lecturer signs up and
        logs in (self.admin). Returns self; raises with the log's end when the hub does not come up. A hub that exits
        at its first start (not a restart: its ports are then its own) is started once more on other ports, after
        printing why it stopped (another process may have bound one of its ports between free_ports() and its start)."""
        self.log_path = self.state / "jupyterhub.log"
        self.log = open(self.log_path, "a")  # (a restart adds to the log)
        os.chmod(self.log_path, 0o600)  # the hub's log is the hub's: students' servers pass through the state folder
        self.proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(ROOT / "hub" / "jupyterhub_config.py"), *self.args],
                                     cwd=self.state, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < timeout and self.proc.poll() is None:
            try:
                if requests.get(self.url + "hub/api/", timeout=2, verify=self.verify).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            status, tail = self.proc.poll(), self.log_tail()
            if status is not None and retry and not self.started:
                print(f"    the hub on {self.url} exited at its start (status {status}); starting it again on other ports. "
                      f"Its log's end:\n{textwrap.indent(tail, '      ')}", flush=True)
                self.stop()
                self.take_ports()
                return self.start(timeout, retry=False)
            raise RuntimeError(f"the hub did not answer on {self.url} (exit status {status}):\n{tail}")
        self.started_in, self.started = time.time() - t0, True
        if self.auth == "native":
            msg = "signed up before a restart"
            if self.admin is None:
                self.admin = User(self, ADMIN, secrets.token_urlsafe(12))
                msg = self.admin.sign_up()
            if not self.admin.log_in():
                raise RuntimeError(f"the lecturer could not log in after signing up ({msg})")
            self.admin.make_token()
        return self

    def restart(self):
        """Stops the hub and starts it again on the same state folder and ports (the lecturer logs in again)."""
        left = self.stop()
        self.start()
        return left

    def log_tail(self, n=40):
        """The log's last n lines but the proxy's routine ones ([ConfigProxy] 404s and the like flood it when a
        server is gone), which would hide why the hub stopped; the proxy's errors are kept."""
        if not self.log.closed:
            self.log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines(True)
        return "".join([x for x in lines if "ConfigProxy" not in x or re.search(r"error|EADDRINUSE", x, re.I)][-n:])

    def approve(self, name):
        """The lecturer approves a sign-up (the link on /hub/authorize toggles a user's approval)."""
        r = self.admin.browser.get(f"{self.url}hub/authorize/{name}", allow_redirects=False, timeout=60)
        if r.status_code != 302:
            raise RuntimeError(f"approving {name}: {r.status_code}")

    def student(self, name, password=None, token=True):
        """A student who signed up, was approved by the lecturer and logged in (and has a token unless token=False)."""
        s = User(self, name, password or secrets.token_urlsafe(12))
        s.signup_message = s.sign_up()
        self.approve(name)
        if not s.log_in():
            raise RuntimeError(f"{name} could not log in after sign-up and approval ({s.signup_message})")
        if token:
            s.make_token()
        return s

    def processes(self):
        """Every process of this run now (remembers the hub's descendants, e.g. its services, for stop())."""
        try:
            self.seen |= {(p.pid, p.create_time()) for p in psutil.Process(self.proc.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
        return processes_of(self.state, self.seen)

    def stop(self):
        """SIGTERM to the hub (it stops the proxy, the students' servers and its services), then kills whatever of
        the run is left; self.left: those found left (empty when the hub cleaned up after itself)."""
        if self.proc is None:
            return []
        self.processes()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        time.sleep(0.5)
        self.left = [p for p in processes_of(self.state, self.seen) if alive(p)]
        for p in self.left:
            print(f"    left running, killing: {p.pid} {' '.join(p.cmdline())[:150]}")
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()
        self.proc = None
        return self.left

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            self.remove()
            raise

    def __exit__(self, *exc):
        self.stop()
        self.remove()

    def remove(self):
        if os.environ.get("LECTURE3_KEEP_HUB_STATE"):
            print(f"    (state kept: {self.state})")
        else:
            shutil.rmtree(self.state, ignore_errors=True)
