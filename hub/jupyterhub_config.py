# JupyterHub for a class (npm run hub; docs/hub.md): one JupyterLab per student, on this machine.
#   hub:      JupyterHub from .venv (requirements.txt), proxy: configurable-http-proxy from node_modules (package.json)
#   address:  http://$LECTURE3_HUB_IP:$LECTURE3_HUB_PORT/ (default 127.0.0.1:8000; https:// when LECTURE3_HUB_SSL_CERT
#             and LECTURE3_HUB_SSL_KEY name a certificate and its key); the proxy's API on port+1, the hub's on port+2
#   log in:   hub/auth/$LECTURE3_HUB_AUTH.py: native (default; students sign up, the lecturer $LECTURE3_HUB_ADMIN
#             approves them at /hub/authorize), lti13 (from the LMS, e.g. Moodle), oidc (the university's SSO),
#             shared (one password for everyone: a solo try-out only)
#   idle:     jupyterhub-idle-culler stops a student's server idle for $LECTURE3_HUB_CULL_TIMEOUT s (default 3600)
#   students: $LECTURE3_HUB_STATE/users/<name>/ (default hub/state/users/<name>/) holds their copy of notebooks/
#             (JupyterLab's root) and their data cache; the dataset mirror $LECTURE3_DATA_MIRROR (a folder, or
#             several separated by ":") is only read: lib/node/data/sources.ts copies what a notebook needs into the cache
#   nbgrader: the Assignments tab (hub/singleuser/: the exchange $LECTURE3_HUB_STATE/exchange, course lecture3)
# Accounts (hub/accounts.py, docs/hub.md): run as root (a class), the hub gives each student their own Unix account
# (made on their first start: group lecture3-students, home $LECTURE3_HUB_STATE/users/<name>, mode 0700; or the host's
# existing accounts with LECTURE3_HUB_ACCOUNTS=existing) and starts their server as that user, in a memory cgroup
# capped at LECTURE3_HUB_MEM_LIMIT; at each start it makes the solutions, the course and the hub's state unreadable
# to students. Run as another user (a trial on a laptop), every student's server runs as that one user
# (SimpleLocalProcessSpawner): kernels are not kept apart from each other's files. Kubernetes: hub/helm/values.yaml.
import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accounts  # noqa: E402 (hub/accounts.py)

c = get_config()  # noqa: F821 (JupyterHub defines it)

root = Path(__file__).resolve().parent.parent
venv = root / ".venv"
state = Path(os.environ.get("LECTURE3_HUB_STATE") or root / "hub" / "state").resolve()
users = state / "users"
exchange = state / "exchange"  # nbgrader's exchange: the lecturer releases assignments here, students fetch/submit
port = int(os.environ.get("LECTURE3_HUB_PORT") or 8000)
mirror = os.environ.get("LECTURE3_DATA_MIRROR", "")
for d in mirror.split(os.pathsep):
    if d and not Path(d).is_dir():
        print(f"[hub] warning: LECTURE3_DATA_MIRROR names {d}, which is not a folder: students' notebooks will not find "
              "data there (name the folder holding mnist/*.gz etc., datasets/README.md)", file=sys.stderr)
for d in (users, exchange):
    d.mkdir(parents=True, exist_ok=True)
exchange.chmod(0o1777)  # as nbgrader asks: everyone writes, the sticky bit keeps one's files one's own

# --- hub and proxy: the proxy serves students on ip:port (127.0.0.1 unless LECTURE3_HUB_IP says otherwise: behind
# a reverse proxy on this machine, docs/hub.md), with TLS when given a certificate and key; the rest stays on 127.0.0.1
ip = os.environ.get("LECTURE3_HUB_IP") or "127.0.0.1"
cert, key = os.environ.get("LECTURE3_HUB_SSL_CERT", ""), os.environ.get("LECTURE3_HUB_SSL_KEY", "")
if bool(cert) != bool(key):
    sys.exit("[hub] HTTPS には LECTURE3_HUB_SSL_CERT（証明書、PEM）と LECTURE3_HUB_SSL_KEY（その秘密鍵）の両方を設定してください"
             "（HTTP で動かすなら両方とも外してください）")
for name, f in (("LECTURE3_HUB_SSL_CERT", cert), ("LECTURE3_HUB_SSL_KEY", key)):
    if f and not os.access(f, os.R_OK):
        sys.exit(f"[hub] {name}={f} を読めません。PEM 形式の証明書と鍵のファイルを指定してください（docs/hub.md）")
if cert:
    c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = cert, key
c.JupyterHub.bind_url = f"{'https' if cert else 'http'}://{ip}:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.command = [str(root / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server and kernels

# --- log-in: hub/auth/<LECTURE3_HUB_AUTH>.py (npm run hub -- --auth <name>); the lecturer LECTURE3_HUB_ADMIN is the
# hub's admin (approves sign-ups, sees every server)
auth = os.environ.get("LECTURE3_HUB_AUTH") or "native"
auths = sorted(f.stem for f in (root / "hub" / "auth").glob("*.py"))
if auth not in auths:
    sys.exit(f"[hub] LECTURE3_HUB_AUTH={auth} というログイン方式はありません。{', '.join(auths)} のどれかにしてください"
             "（既定は native: 学生が登録し講師が承認する。docs/hub.md）")
admin = os.environ.get("LECTURE3_HUB_ADMIN") or "lecturer"
c.Authenticator.admin_users = {admin}
load_subconfig(str(root / "hub" / "auth" / f"{auth}.py"))  # noqa: F821 (traitlets' config loader defines it)

# --- services: jupyterhub-idle-culler stops servers idle for LECTURE3_HUB_CULL_TIMEOUT seconds (0: never), with
# only the scopes it needs
cull = os.environ.get("LECTURE3_HUB_CULL_TIMEOUT") or "3600"
if not cull.isdigit():
    sys.exit(f"[hub] LECTURE3_HUB_CULL_TIMEOUT は秒数（0 以上の整数、0 で止めない）にしてください（今: {cull}）")
if int(cull) > 0:
    c.JupyterHub.services = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}",
                    f"--cull-every={max(1, min(300, int(cull) // 2))}"],
    }]
    c.JupyterHub.load_roles = [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]

# --- each student's server: JupyterLab on their own copy of the notebooks (made by hub/start-singleuser.sh), with
# the project's tslab kernel
as_root = os.getuid() == 0
mem_limit = os.environ.get("LECTURE3_HUB_MEM_LIMIT", "2G")
if as_root:  # a class: one Unix account per student (hub/accounts.py)
    c.JupyterHub.spawner_class = accounts.StudentSpawner
    c.StudentSpawner.accounts = os.environ.get("LECTURE3_HUB_ACCOUNTS", "create")
    if c.StudentSpawner.accounts not in ("create", "existing"):
        sys.exit("[hub] LECTURE3_HUB_ACCOUNTS は create（学生ごとにアカウントを作る、既定）か existing（このサーバーの既存の"
                 f"アカウントを使う）にしてください（今: {c.StudentSpawner.accounts}）")
    c.StudentSpawner.students_dir = str(users)
    try:  # bytes, or with a suffix K, M, G, T (JupyterHub's ByteSpecification); 0: no cap
        from jupyterhub.traitlets import ByteSpecification
        c.Spawner.mem_limit = ByteSpecification().validate(None, int(mem_limit) if mem_limit.isdigit() else mem_limit) or None
    except Exception:
        sys.exit(f"[hub] LECTURE3_HUB_MEM_LIMIT は学生 1 人あたりのメモリの上限です。2G、1500M のように書いてください"
                 f"（0 で上限なし。今: {mem_limit}）")
    accounts.prepare_project(root, state, users, [d for d in mirror.split(os.pathsep) if d])
    spawner = os.environ.get("LECTURE3_HUB_SPAWNER") or "local"
    if spawner == "systemd":  # systemd enforces the caps (hub/systemd_config.py)
        load_subconfig(str(root / "hub" / "systemd_config.py"))  # noqa: F821 (traitlets' config loader defines it)
    elif spawner == "local":
        print(accounts.describe_cap(c.Spawner.mem_limit), file=sys.stderr)
    else:
        sys.exit(f"[hub] LECTURE3_HUB_SPAWNER は local（既定: このマシンのプロセス、cgroup でメモリ上限）か systemd"
                 f"（systemd のホスト: hub/systemd_config.py）にしてください（今: {spawner}）")
else:  # a trial: every student's server runs as this user
    print("[hub] warning: not run as root, so every student's server runs as this one Unix user (a trial): a kernel can "
          "read the other students' files and the solutions. A class runs the hub as root (docs/hub.md).", file=sys.stderr)
    c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = str(users / "{username}")
c.Spawner.notebook_dir = "~/notebooks"
c.Spawner.default_url = "/lab"
c.Spawner.cmd = ["bash", str(root / "hub" / "start-singleuser.sh")]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.poll_interval = 10  # a server that died (killed, out of memory) is noticed and cleaned up within ~10 s
c.Spawner.env_keep = ["LANG", "LC_ALL", "TFJS_BACKEND", "LD_LIBRARY_PATH", "LECTURE3_TS_LOCALE"]
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(venv / "bin"), str(root / "node_modules" / ".bin"), os.environ.get("PATH", "/usr/bin:/bin")]),
    # this project's kernel spec (tslab) and JupyterLab settings win over any other; hub/singleuser/: the students'
    # servers open notebooks with tslab, cull kernels idle for an hour, list nbgrader assignments, have no formgrader
    "JUPYTER_PATH": str(venv / "share" / "jupyter"),
    "JUPYTER_CONFIG_PATH": str(root / "hub" / "singleuser"),
    "LECTURE3_DATA_MIRROR": mirror,
    "LECTURE3_DATA_CACHE": lambda spawner: str(Path(spawner.home_dir) / "datasets"),  # the student's own (lib/node/paths.ts)
    "LECTURE3_NBGRADER_EXCHANGE": str(exchange),
    "LECTURE3_COURSE_ID": os.environ.get("LECTURE3_COURSE_ID", "lecture3"),
}
# Memory: the cgroup above (run as root); CPU is shared. systemd hosts: hub/systemd_config.py; Kubernetes: hub/helm/values.yaml
