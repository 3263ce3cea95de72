# JupyterHub for a class (npm run hub; docs/hub.md): one JupyterLab per student, on this machine, for a trial.
#   hub:      JupyterHub from .venv (requirements.txt), proxy: configurable-http-proxy from node_modules (package.json)
#   address:  http://127.0.0.1:$LECTURE3_HUB_PORT/ (default 8000); the proxy's API on port+1, the hub's own on port+2
#   log in:   any user name with the shared password $LECTURE3_HUB_PASSWORD (SharedPasswordAuthenticator, a trial
#             authenticator; a real class uses the university's SSO/LDAP/OAuth authenticator, docs/hub.md)
#   students: $LECTURE3_HUB_STATE/users/<name>/ (default hub/state/users/<name>/) holds their copy of notebooks/
#             (JupyterLab's root) and their data cache; the dataset mirror $LECTURE3_DATA_MIRROR (a folder, or
#             several separated by ":") is only read: lib/data/sources.ts copies what a notebook needs into the cache
#   nbgrader: the Assignments tab (hub/singleuser/: the exchange $LECTURE3_HUB_STATE/exchange, course lecture3)
# Trial only: SimpleLocalProcessSpawner runs every student's server as the hub's own Unix user. JupyterHub keeps
# users apart at the API (a token or login reaches only its own server, whose file browser shows only its own
# copy), but code in a kernel can read and write whatever that Unix user can. A real class gives each student a
# container (KubeSpawner: hub/Dockerfile, hub/helm/values.yaml) or at least a Unix user (LocalProcessSpawner,
# SystemdSpawner), and mounts the mirror read-only.
import os
import sys
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821 (JupyterHub defines it)

root = Path(__file__).resolve().parent.parent
venv = root / ".venv"
state = Path(os.environ.get("LECTURE3_HUB_STATE") or root / "hub" / "state").resolve()
users = state / "users"
exchange = state / "exchange"  # nbgrader's exchange: the lecturer releases assignments here, students fetch/submit
port = int(os.environ.get("LECTURE3_HUB_PORT") or 8000)
mirror = os.environ.get("LECTURE3_DATA_MIRROR", "")
password = os.environ.get("LECTURE3_HUB_PASSWORD", "")

if len(password) < 8:
    sys.exit("hub/jupyterhub_config.py: set LECTURE3_HUB_PASSWORD to a password of 8 or more characters "
             "(npm run hub makes one when it is not set)")
for d in mirror.split(os.pathsep):
    if d and not Path(d).is_dir():
        print(f"[hub] warning: LECTURE3_DATA_MIRROR names {d}, which is not a folder: students' notebooks will not find "
              "data there (name the folder holding mnist/*.gz etc., datasets/README.md)", file=sys.stderr)
for d in (users, exchange):
    d.mkdir(parents=True, exist_ok=True)
exchange.chmod(0o1777)  # as nbgrader asks: everyone writes, the sticky bit keeps one's files one's own

# --- hub and proxy, on 127.0.0.1 only
c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.command = [str(root / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server and kernels

# --- trial log-in: one shared password, any user name (each name gets its own server and files)
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = password
c.Authenticator.allow_all = True

# --- each student's server: JupyterLab on their own copy of the notebooks (made by hub/start-singleuser.sh), with
# the project's tslab kernel
c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(users / "{username}")
c.Spawner.notebook_dir = str(users / "{username}" / "notebooks")
c.Spawner.default_url = "/lab"
c.Spawner.cmd = ["bash", str(root / "hub" / "start-singleuser.sh")]
if os.getuid() == 0:
    c.Spawner.args = ["--ServerApp.allow_root=True"]  # containers and CI run as root; a real deployment does not
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["LANG", "LC_ALL", "TFJS_BACKEND", "LD_LIBRARY_PATH", "LECTURE3_TS_LOCALE"]
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(venv / "bin"), str(root / "node_modules" / ".bin"), os.environ.get("PATH", "/usr/bin:/bin")]),
    # this project's kernel spec (tslab) and JupyterLab settings win over any other; hub/singleuser/: the students'
    # servers open notebooks with tslab, cull kernels idle for an hour, list nbgrader assignments, have no formgrader
    "JUPYTER_PATH": str(venv / "share" / "jupyter"),
    "JUPYTER_CONFIG_PATH": str(root / "hub" / "singleuser"),
    "LECTURE3_DATA_MIRROR": mirror,
    "LECTURE3_DATA_CACHE": lambda spawner: str(Path(spawner.home_dir) / "datasets"),  # the student's own (lib/paths.ts)
    "LECTURE3_NBGRADER_EXCHANGE": str(exchange),
    "LECTURE3_COURSE_ID": os.environ.get("LECTURE3_COURSE_ID", "lecture3"),
}
# Memory and CPU limits: LocalProcessSpawner cannot enforce them; KubeSpawner does (hub/helm/values.yaml, docs/hub.md)
