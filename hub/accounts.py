"""One Unix account per student, for the class hub (hub/jupyterhub_config.py, docs/hub.md "Accounts and permissions").

StudentSpawner is JupyterHub's LocalProcessSpawner (which starts each student's server as that student's Unix user:
setgid/setgroups/setuid before exec) plus:
  - the account: on a student's first spawn, `useradd` makes a system user in the course's group (default
    lecture3-students) with a uid from the course's range (default 30000-39999), no log-in shell, home
    <students folder>/<name> (mode 0700, owned by the student). With `accounts = "existing"` the host's own accounts
    are used instead (the university's LDAP via SSSD, say) and none is made. Either way a name that belongs to an
    account not made for students (root, daemon, www-data, the lecturer's own...) is refused with a message that says
    what to do.
  - a memory cap: the server (and every kernel it starts) goes into its own memory cgroup, lecture3-<name>, under the
    hub's own, limited to Spawner.mem_limit (LECTURE3_HUB_MEM_LIMIT). cgroup v1 (memory.limit_in_bytes) or v2
    (memory.max), whichever has a writable memory controller; on a host with neither the hub says so at start-up and
    runs without a cap. hub/memory_guard.py turns the kernel the kernel kills at the cap into a message to the student.
prepare_project() sets the permissions of the project and the hub's state folder (idempotent, run at every start).
"""
import asyncio
import grp
import os
import pwd
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import HasTraits, Integer, Unicode

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def login_uid_min():
    """UID_MIN of /etc/login.defs (the first uid of a person's account on this host; below it: system accounts)."""
    try:
        m = re.search(r"^\s*UID_MIN\s+(\d+)", Path("/etc/login.defs").read_text(), re.M)
        return int(m.group(1)) if m else 1000
    except OSError:
        return 1000


def fail(message):
    """The hub's start-up stops with a message (printed by JupyterHub as the config's error)."""
    sys.exit("[hub] " + message)


def account_cmd(cmd, tries=40):
    """useradd, usermod, userdel, groupadd: tried again while another process holds /etc/passwd's lock (they fail at
    once with "cannot lock /etc/passwd; try again later": the host's administrator, another hub, a test beside)."""
    for _ in range(tries):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0 or "lock" not in r.stderr:
            return r
        time.sleep(0.25)
    return r


def prepare_project(root, state, students, mirrors):
    """Permissions for a class on one machine with one Unix account per student (idempotent; the hub runs as root):
    the project (code, .venv, node_modules, lib/) stays readable, nobody but its owner may write into it; the
    solutions and the course (source, gradebook) lose every permission for others; the hub's state folder is
    traversable only (its database and cookie secret are the hub's alone), the students' folder too (a student
    reaches their own home, cannot list the others). Every folder above the project and the state folder must be
    traversable by others, or the students' servers cannot reach node_modules: checked, with a message."""
    for top, folders in ((root, [root, *root.parents]), (state, state.parents)):  # (state itself is made 0711 below)
        for d in folders:
            if not d.stat().st_mode & stat.S_IXOTH:
                fail(f"{d} を他のユーザーが通れない（o+x がない）ため、学生のサーバーが {top} に届きません。"
                     f"`chmod o+x {d}` を実行するか、プロジェクトを誰でも通れるフォルダ（例: /srv/lecture3）に置いてください。")
    shared = (root, root / ".venv", root / "node_modules", root / "lib", root / "hub", root / "notebooks")
    writable = [str(p) for p in shared if p.exists() and p.stat().st_mode & stat.S_IWOTH]
    if writable:
        fail(f"{', '.join(writable)} に他のユーザーが書き込めます: 学生がプロジェクトを書き換えられてしまいます。"
             f"`chmod -R go-w {root}` を実行してから、もう一度起動してください。")
    for private in (root / "notebooks" / "solutions", root / "course"):
        if private.exists():
            private.chmod(private.stat().st_mode & ~0o007)  # o-rwx; owner and group (the lecturer, TAs) keep theirs
    for d in (state, students):
        d.chmod(0o711)
    (state / "jupyterhub.sqlite").touch(mode=0o600)  # the hub's alone, made before the hub opens it (SQLite's journal
    for f in ("jupyterhub.sqlite", "jupyterhub_cookie_secret"):  # takes its mode); JupyterHub makes the secret 0600
        if (state / f).exists():
            (state / f).chmod(0o600)
    for m in mirrors:
        p = Path(m)
        if p.is_dir() and p.stat().st_mode & stat.S_IWOTH:
            fail(f"データのミラー {p} に他のユーザーが書き込めます。学生用には読み取り専用にしてください（`chmod -R o-w {p}`）。")


class Accounts(HasTraits):
    """Mixed into a spawner (StudentSpawner below; hub/systemd_config.py's): the student's account is made or checked
    before the spawner starts their server."""

    accounts = Unicode("create", config=True, help='"create": make a system user per student; "existing": use the host\'s accounts')
    students_dir = Unicode(config=True, help="the students' homes (created accounts): <students_dir>/<name>")
    course_group = Unicode("lecture3-students", config=True, help="the Unix group of the accounts made for students")
    uid_min = Integer(30000, config=True)
    uid_max = Integer(39999, config=True)
    _account_lock = None  # one useradd at a time (they lock /etc/passwd)

    @property
    def home_dir(self):
        return pwd.getpwnam(self.user.name).pw_dir

    def refuse(self, message):
        self.log.warning("refused %s: %s", self.user.name, message)
        raise RuntimeError(message)

    async def ensure_account(self):
        name = self.user.name
        if not NAME.match(name):
            self.refuse(f"「{name}」は Unix のアカウント名に使えません。英小文字で始まり、英小文字・数字・_・- だけの "
                        "32 文字以内の名前で登録し直してください。")
        try:
            group = grp.getgrnam(self.course_group)
        except KeyError:
            group = None
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            account = None
        if account:
            ours = group is not None and account.pw_gid == group.gr_gid and self.uid_min <= account.pw_uid <= self.uid_max
            if self.accounts == "existing":
                if account.pw_uid < login_uid_min() or account.pw_uid == 65534:
                    self.refuse(f"「{name}」はこのサーバーのシステムアカウントで、学生用ではありません。"
                                "講師に連絡して、大学のアカウント名でログインしてください。")
            elif not ours and account.pw_uid < login_uid_min():
                self.refuse(f"「{name}」はこのサーバーのシステムアカウントで、学生用ではありません。別の名前で登録し直してください。")
            elif not ours:
                self.refuse(f"「{name}」はこのサーバーの既存のアカウント（{self.course_group} の学生用ではないもの）です。"
                            "別の名前で登録し直してください（講師へ: 既存のアカウントを使うには LECTURE3_HUB_ACCOUNTS=existing）。")
            elif account.pw_dir != str(Path(self.students_dir) / name):  # the course's account, its home moved (a new
                async with self.lock():                                # state folder): the students' folder wins
                    self.run_cmd(["usermod", "--home", str(Path(self.students_dir) / name), name])
                account = pwd.getpwnam(name)
        elif self.accounts == "existing":
            self.refuse(f"このサーバーに「{name}」というアカウントがありません。講師に連絡して、アカウントを作ってもらってください。")
        else:
            await self.make_account(name)
            account = pwd.getpwnam(name)
        home = Path(account.pw_dir)
        home.mkdir(parents=True, exist_ok=True)
        if home.stat().st_uid != account.pw_uid:  # new, or a folder from before this account: the student's alone
            for d, dirs, files in os.walk(home):
                for x in [d] + [os.path.join(d, f) for f in dirs + files]:
                    os.lchown(x, account.pw_uid, account.pw_gid)
        home.chmod(0o700)

    def lock(self):
        cls = StudentSpawner
        if cls._account_lock is None:
            cls._account_lock = asyncio.Lock()
        return cls._account_lock

    async def make_account(self, name):
        async with self.lock():
            if not any(g.gr_name == self.course_group for g in grp.getgrall()):
                self.run_cmd(["groupadd", "--force", "--system", self.course_group])  # --force: another hub made it meanwhile
            if not self.students_dir:
                self.refuse("StudentSpawner.students_dir が設定されていません（hub/jupyterhub_config.py）。")
            self.run_cmd(["useradd", "--no-create-home", "--home-dir", str(Path(self.students_dir) / name),
                          "--gid", self.course_group, "--shell", "/usr/sbin/nologin", "--comment", "lecture3 student",
                          "-K", f"UID_MIN={self.uid_min}", "-K", f"UID_MAX={self.uid_max}", name])
        self.log.info("made the Unix account %s (group %s)", name, self.course_group)

    def run_cmd(self, cmd):
        r = account_cmd(cmd)
        if r.returncode:
            self.refuse(f"アカウントを作れませんでした（{' '.join(cmd[:1])}: {r.stderr.strip()}）。講師に連絡してください。")

    async def start(self):
        await self.ensure_account()
        return await super().start()


class StudentSpawner(Accounts, LocalProcessSpawner):
    """LocalProcessSpawner with an account made (or checked) per student and a memory cgroup per server."""

    def cgroup_dir(self):
        """The server's memory cgroup (made, limit set) or None: the host lets the hub make none, or no limit asked."""
        if not self.mem_limit:
            return None
        found = memory_cgroup()
        if not found:
            return None
        kind, parent = found
        d = parent / f"lecture3-{self.user.name}"
        try:
            d.mkdir(exist_ok=True)
            if kind == "v1":
                (d / "memory.limit_in_bytes").write_text(str(self.mem_limit))
                if (d / "memory.memsw.limit_in_bytes").exists():  # swap counted in as well, where the host has it
                    (d / "memory.memsw.limit_in_bytes").write_text(str(self.mem_limit))
            else:
                (d / "memory.max").write_text(str(self.mem_limit))
                (d / "memory.swap.max").exists() and (d / "memory.swap.max").write_text("0")
        except OSError as e:
            self.log.warning("no memory cap for %s: %s %s", self.user.name, d, e)
            return None
        return d

    def make_preexec_fn(self, name):
        setuid = super().make_preexec_fn(name)
        cgroup = self._cgroup

        def preexec():
            if cgroup:  # still root here: join the cgroup, then become the student
                with open(cgroup / "cgroup.procs", "w") as f:
                    f.write(str(os.getpid()))
            os.nice(5)  # students' servers and kernels yield the CPU to the hub and the proxy: the hub stays responsive
            setuid()

        return preexec

    async def start(self):
        await self.ensure_account()
        self._cgroup = self.cgroup_dir()
        return await LocalProcessSpawner.start(self)

    async def stop(self, now=False):
        await super().stop(now=now)
        await self.clear_cgroup()

    async def poll(self):
        status = await super().poll()
        if status is not None:  # the server is gone (killed, out of memory): JupyterHub will not call stop()
            await self.clear_cgroup()
        return status

    async def clear_cgroup(self):
        """What the server left behind (its kernels, when the server itself was killed) is killed; the cgroup goes."""
        d = memory_cgroup_of(self.user.name)
        if d:
            for _ in range(20):
                try:
                    for pid in (d / "cgroup.procs").read_text().split():
                        self.log.info("stopping %s's process %s, left behind by their server", self.user.name, pid)
                        try:
                            os.kill(int(pid), 9)
                        except ProcessLookupError:
                            pass
                    d.rmdir()
                    break
                except OSError:
                    await asyncio.sleep(0.5)


def memory_cgroup():
    """("v1" | "v2", the hub's own memory cgroup folder) where the hub may make children with a memory limit, else None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            d = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
            if (d / "memory.limit_in_bytes").exists() and os.access(d, os.W_OK):
                return "v1", d
    for line in lines:
        if line.startswith("0::"):
            base = Path("/sys/fs/cgroup")
            if (base / "unified").is_dir() and not (base / "cgroup.controllers").exists():
                base = base / "unified"
            d = base / line[3:].lstrip("/")
            try:
                if "memory" in (d / "cgroup.subtree_control").read_text().split() and os.access(d, os.W_OK):
                    return "v2", d
            except OSError:
                pass
    return None


def memory_cgroup_of(name):
    found = memory_cgroup()
    d = found and found[1] / f"lecture3-{name}"
    return d if d and d.is_dir() else None


def describe_cap(limit):
    """A line for the hub's start-up: what caps a student's memory here."""
    from jupyterhub.traitlets import ByteSpecification

    limit = limit and ByteSpecification().validate(None, limit)
    if not limit:
        return "[hub] no memory cap per student (LECTURE3_HUB_MEM_LIMIT=0)"
    found = memory_cgroup()
    if not found:
        return ("[hub] warning: this host lets the hub make no memory cgroup (cgroup v1 memory controller or v2 memory.max): "
                "students' servers run without a memory cap; use systemdspawner (hub/systemd_config.py) or Kubernetes")
    return f"[hub] memory cap per student: {limit / 2**30:.1f} GiB (cgroup {found[0]}, {found[1]}/lecture3-<name>)"
