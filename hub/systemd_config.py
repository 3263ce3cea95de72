# LECTURE3_HUB_SPAWNER=systemd (hub/jupyterhub_config.py loads this; docs/hub.md): on a host run by systemd, each
# student's server is a transient systemd unit (PyPI jupyterhub-systemdspawner, `systemd-run`), so systemd enforces
# the memory cap (MemoryMax=, from LECTURE3_HUB_MEM_LIMIT) and, if set, a CPU cap (CPUQuota=, LECTURE3_HUB_CPU_LIMIT
# in cores, e.g. 1.5), gives each student their own /tmp and no sudo, and mounts the project and the dataset mirror
# read-only for them. The accounts are made or checked exactly as with the default spawner (hub/accounts.py).
# NOT TRIED on a systemd host: the machine this project is tested on has no systemd as PID 1; the test only starts
# the hub with this file (test/hub/hub_test.py's systemd check) to show that it loads.
import os
import sys
from pathlib import Path

from systemdspawner import SystemdSpawner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accounts  # noqa: E402 (hub/accounts.py)


class StudentSystemdSpawner(accounts.Accounts, SystemdSpawner):
    """SystemdSpawner with the student's account made or checked first (hub/accounts.py)."""


c = get_config()  # noqa: F821 (JupyterHub defines it)
root = Path(__file__).resolve().parent.parent
c.JupyterHub.spawner_class = StudentSystemdSpawner
c.StudentSystemdSpawner.accounts = c.StudentSpawner.accounts
c.StudentSystemdSpawner.students_dir = c.StudentSpawner.students_dir
c.SystemdSpawner.unit_name_template = "lecture3-{USERNAME}"
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.disable_user_sudo = True
c.SystemdSpawner.readonly_paths = [str(root)] + [d for d in os.environ.get("LECTURE3_DATA_MIRROR", "").split(os.pathsep) if d]
cpu = os.environ.get("LECTURE3_HUB_CPU_LIMIT", "")
if cpu:
    try:
        c.Spawner.cpu_limit = float(cpu)
    except ValueError:
        sys.exit(f"[hub] LECTURE3_HUB_CPU_LIMIT は学生 1 人あたりの CPU コア数（例 1.5）にしてください（今: {cpu}）")
