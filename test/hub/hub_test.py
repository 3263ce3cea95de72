"""The class hub (hub/jupyterhub_config.py) on this machine, the way a class uses it. Run by scripts/test.sh (step 7):

    .venv/bin/python test/hub/hub_test.py

Starts JupyterHub and configurable-http-proxy on free ports of 127.0.0.1 with a fresh state folder (hubctl.py), and
three students sign up, are approved by the lecturer and log in; their servers start. Run as root (CI), each student
is a Unix account of the course (hub/accounts.py): their servers run as their uids, and from inside each student's
kernel every read or write of what is not theirs (another student's work, the solutions, the course, the gradebook,
the hub's database, the mirror, the project) fails with EACCES/EPERM while 5 controls succeed; a system account's
name is refused; a runaway kernel ends at the memory cap with a Japanese message while another student's kernel keeps
computing. Then: JupyterLab with the tslab kernel; one student's token and log-in reach neither another's server nor
their files; nbgrader's Assignments list; each student runs a notebook of their own in their own kernel, saved with
its output; the mirror unchanged. Nothing lost: killing one student's kernel, then another's server, leaves the
others' kernels as they were; a restarted hub keeps everyone's work and they log in again. Also: the systemd
configuration loads; LECTURE3_HUB_ACCOUNTS=existing uses a host account.
notebooks/02_mnist_mlp.ipynb in the students' own kernels AT THE SAME TIME (each printing its accuracy and passing
test/notebooks/checks.js, the data from the mirror into each student's own cache, the saved model in their folder, the
trainings overlapping, each student's memory and CPU) is test/hub/load_test.py's, with ten students (it was run here
for three as well: the same run, 117 s of CI).
Sizing (docs/hub.md): memory and CPU of a few mini-batches of the 04 CNN in one kernel, the hub and the proxy; printed
and written to artifacts/hub-sizing.json.
Stops everything it started, also on failure, and checks that none of its processes is left.
Ends with "hub: N passed, M failed".
"""
import asyncio
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import requests

sys.dont_write_bytecode = True  # no __pycache__/ in the project for the import below
sys.path.insert(0, str(Path(__file__).parent))
from hubctl import Hub, User, account_cmd, check, results, run_test  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "hub"))
from accounts import memory_cgroup  # noqa: E402
from run_notebook import Kernel, ServerAPI, printed, printed_by, run_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".venv" / "bin"
STUDENTS = ["alice", "bob", "carol"]
NOTEBOOK = "02_mnist_mlp.ipynb"
CNN_BATCHES = 30
MEM_LIMIT = 2 * 2**30  # each student's memory cap (LECTURE3_HUB_MEM_LIMIT; the default)
MNIST_FILES = sorted(f"{s}-{k}-idx{d}-ubyte.gz" for s in ("train", "t10k") for k, d in (("images", 3), ("labels", 1)))


def tree(folder):
    """Every file under folder with its size and modification time."""
    return {str(f.relative_to(folder)): (f.stat().st_size, f.stat().st_mtime_ns) for f in Path(folder).rglob("*") if f.is_file()}


def usage(pid):
    """Memory (MB: resident; proportional share of shared pages; unique to it; peak resident) and CPU seconds of a
    process (all its threads)."""
    p = psutil.Process(pid)
    mem = p.memory_full_info()
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1))
    cpu = p.cpu_times()
    return {"rss_mb": mem.rss / 2**20, "pss_mb": mem.pss / 2**20, "uss_mb": mem.uss / 2**20, "peak_rss_mb": hwm / 1024, "cpu_s": cpu.user + cpu.system, "t": time.time()}


def cores(a, b):
    return (b["cpu_s"] - a["cpu_s"]) / max(b["t"] - a["t"], 1e-9)


def probe_cell(attempts):
    """A TypeScript cell that tries each (what, expression) and prints [what, "OK" | the error's code] per line."""
    body = "\n".join(f"  [{json.dumps(what)}, () => {code}]," for what, code in attempts)
    return f"""import * as fs from "fs";
{{
  const attempts: [string, () => unknown][] = [
{body}
  ];
  console.log(JSON.stringify(["uid", process.getuid!()]));
  for (const [what, f] of attempts) {{
    try {{ f(); console.log(JSON.stringify([what, "OK"])); }} catch (e: any) {{ console.log(JSON.stringify([what, e.code ?? String(e)])); }}
  }}
}}"""


def run_cell(student, code, notebook="probe.ipynb"):
    """Runs one cell in a new kernel of the student's server; returns the cell's printed lines (stdout)."""
    async def go():
        async with Kernel(student.api, notebook, "tslab") as k:
            outputs, reply, _ = await k.execute(code)
            return "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout"), reply
    return asyncio.run(go())


def permission_attempts(s, other, state, mirror):
    """What a student's kernel tries: reading what is not theirs, writing where they must not (each must fail with
    EACCES or EPERM), and what they must be able to do (the controls: these prove the paths are right)."""
    j = json.dumps
    r = ROOT
    denied = [
        (f"read {other.name}'s notebook", f"fs.readFileSync({j(str(other.home / 'notebooks' / NOTEBOOK))})"),
        (f"list {other.name}'s home", f"fs.readdirSync({j(str(other.home))})"),
        (f"write into {other.name}'s notebooks", f"fs.writeFileSync({j(str(other.home / 'notebooks' / 'x.ipynb'))}, 'x')"),
        ("list the solutions", f"fs.readdirSync({j(str(r / 'notebooks' / 'solutions'))})"),
        ("read a solution", f"fs.readFileSync({j(str(r / 'notebooks' / 'solutions' / '04_mnist_conv.ipynb'))})"),
        ("read the course source", f"fs.readFileSync({j(str(r / 'course' / 'source' / '04_mnist_conv' / '04_mnist_conv.ipynb'))})"),
        ("read the gradebook", f"fs.readFileSync({j(str(r / 'course' / 'gradebook.db'))})"),
        ("read the hub's database", f"fs.readFileSync({j(str(state / 'jupyterhub.sqlite'))})"),
        ("read the hub's cookie secret", f"fs.readFileSync({j(str(state / 'jupyterhub_cookie_secret'))})"),
        ("list the students", f"fs.readdirSync({j(str(state / 'users'))})"),
        ("write a new file into the mirror", f"fs.writeFileSync({j(mirror + '/mnist/x.gz')}, 'x')"),
        ("append to a mirror file", f"fs.appendFileSync({j(mirror + '/mnist/' + MNIST_FILES[0])}, 'x')"),
        ("delete a mirror file", f"fs.unlinkSync({j(mirror + '/mnist/' + MNIST_FILES[0])})"),
        ("write into lib/", f"fs.writeFileSync({j(str(r / 'lib' / 'x.ts'))}, 'x')"),
        ("append to package.json", f"fs.appendFileSync({j(str(r / 'package.json'))}, 'x')"),
        ("write into node_modules", f"fs.writeFileSync({j(str(r / 'node_modules' / 'x.js'))}, 'x')"),
        ("write into .venv", f"fs.writeFileSync({j(str(r / '.venv' / 'x'))}, 'x')"),
        ("replace the start script", f"fs.renameSync({j(str(r / 'hub' / 'start-singleuser.sh'))}, {j(str(r / 'hub' / 'x'))})"),
        ("make lib/ writable", f"fs.chmodSync({j(str(r / 'lib'))}, 0o777)"),
    ]
    allowed = [
        ("read package.json", f"fs.readFileSync({j(str(r / 'package.json'))})"),
        ("list node_modules/@tensorflow", f"fs.readdirSync({j(str(r / 'node_modules' / '@tensorflow'))})"),
        ("list the mirror's mnist", f"fs.readdirSync({j(mirror + '/mnist')})"),
        ("read their own notebook", f"fs.readFileSync({j(str(s.home / 'notebooks' / NOTEBOOK))})"),
        ("write and delete a file of their own", f"(fs.writeFileSync('own-probe.txt', 'x'), fs.unlinkSync('own-probe.txt'))"),
    ]
    return denied, allowed


class Student:
    """A student of the hub (test/hub/hubctl.py: signed up, approved by the lecturer, logged in, with a token) and
    what this test needs of them: their home, their server's API, their processes."""

    def __init__(self, user, state):
        self.user, self.name, self.home, self.url = user, user.name, state / "users" / user.name, user.url
        self.browser, self.token = user.browser, user.token
        self.api = ServerAPI(self.url, self.token)
        self.hub = user.hub.url

    def get(self, url):
        return self.user.get(url)

    def start_server(self):
        self.user.start_server()

    def wait_ready(self, timeout=180):
        return self.user.wait_ready(timeout)

    def stop_server(self, timeout=60):
        self.user.stop_server(timeout)

    def pid_of(self, marker):
        """The pid of this student's process whose command line contains marker."""
        for p in psutil.process_iter(["cmdline"]):
            try:
                if marker in " ".join(p.info["cmdline"] or []) and p.environ().get("HOME") == str(self.home):
                    return p.pid
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        raise RuntimeError(f"no process of {self.name} with {marker!r}")


# 04's cells that load the data and define its CNN, then a few mini-batches of training with 04's optimizer settings
# (5 to warm up, then CNN_BATCHES measured)
CNN_CELLS = ["useBackend(", "datasets.MNIST(", "class Net extends"]
def cnn_train(batches):
    return f"""import {{ F }} from "lecture3";
await tf.ready();
{{
  const opt = optim.SGD(model.parameters(), {{ lr: 0.1 }});
  const loader = new DataLoader({{ dataset: train_data, batch_size: 100, shuffle: true }});
  let n = 0;
  for await (const [input, target] of loader) {{
    tf.tidy(() => opt.step(tf.variableGrads(() => F.nll_loss(model.forward(input), target), opt.params).grads));
    if (++n === {batches}) break;
  }}
  console.log(`CNN mini-batches: ${{n}}`);
}}"""


async def cnn_sizing(student):
    nb = json.loads((student.home / "notebooks" / "04_mnist_conv.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    setup = [next(c for c in cells if marker in c) for marker in CNN_CELLS]
    async with Kernel(student.api, "04_mnist_conv.ipynb", "tslab") as k:
        for code in setup:
            outputs, reply, _ = await k.execute(code)
            if reply["status"] != "ok":
                return None, f"04 set-up cell failed: {reply.get('ename')}: {reply.get('evalue')}"
        await k.execute(cnn_train(5))  # warm-up: the first steps build TensorFlow's kernels
        pid = student.pid_of(f"kernel-{k.kernel_id}.json")
        a = usage(pid)
        outputs, reply, _ = await k.execute(cnn_train(CNN_BATCHES))
        b = usage(pid)
        text = printed(outputs)
        if reply["status"] != "ok" or f"CNN mini-batches: {CNN_BATCHES}" not in text:
            return None, f"{reply.get('ename')}: {reply.get('evalue')} {text[-300:]}"
        return {"loaded": a, "trained": b, "ms_per_batch": 1000 * (b["t"] - a["t"]) / CNN_BATCHES,
                "cpu_s_per_batch": (b["cpu_s"] - a["cpu_s"]) / CNN_BATCHES, "cores": cores(a, b)}, ""


def main():
    t_start = time.time()
    mirror = os.environ.get("LECTURE3_DATA_MIRROR", "")
    if not mirror:
        sys.exit("test/hub/hub_test.py: set LECTURE3_DATA_MIRROR to the folder holding mnist/*.gz (CI sets it in .ci/run; "
                 "datasets/README.md): the test checks that the students' servers read it and never write there")
    folders = [d for d in mirror.split(os.pathsep) if d]
    before = [tree(d) for d in folders]
    existed = {n for n in STUDENTS if subprocess.run(["id", n], capture_output=True).returncode == 0}
    hubctl = Hub(env={"LECTURE3_DATA_MIRROR": mirror, "LECTURE3_HUB_CULL_TIMEOUT": "0", "LECTURE3_HUB_MEM_LIMIT": str(MEM_LIMIT)})
    state = hubctl.state
    times = {}
    try:
        t0 = time.time()
        hubctl.start()
        hub = hubctl.url
        times["hub start"] = time.time() - t0
        check(f"JupyterHub and configurable-http-proxy answer on {hub}", requests.get(hub + "hub/api/", timeout=5).ok)
        check("a wrong password does not log in", not User(hubctl, "mallory", "wrong-password").log_in())
        students = [Student(hubctl.student(n), state) for n in STUDENTS]
        check("three students sign up, are approved by the lecturer and log in (NativeAuthenticator)", len(students) == 3)
        t0 = time.time()
        for s in students:
            s.start_server()
        check("their three servers start", all(s.wait_ready() for s in students))
        times["servers start"] = time.time() - t0
        if os.getuid() == 0:
            accounts_checks(students, state, hubctl, next((d for d in folders if (Path(d) / "mnist").is_dir()), folders[0]))
            if memory_cgroup():
                memory_checks(students, MEM_LIMIT)
            else:  # not tried: say so, and check that the hub said so too
                print("  (memory cap NOT tried: this host lets the hub make no memory cgroup)", flush=True)
                check("the hub says at start-up that this host gives the students no memory cap",
                      "students' servers run without a memory cap" in hubctl.log_tail(100000))

        a, b = students[0], students[1]
        specs = a.get(a.url + "api/kernelspecs").json()
        check("JupyterLab with the project's tslab kernel (TypeScript) as the default kernel",
              a.get(a.url + "lab").status_code == 200 and specs["default"] == "tslab"
              and specs["kernelspecs"]["tslab"]["spec"]["display_name"] == "TypeScript", json.dumps(specs)[:300])
        shipped = sorted(f.name for f in (ROOT / "notebooks").iterdir() if f.is_file() and (f.suffix == ".ipynb" or f.name == "README.md"))
        listing = sorted(x["name"] for x in a.get(a.url + "api/contents").json()["content"])
        check("a student's file listing is their own copy of notebooks/ (nothing else)", listing == shipped, f"{listing} vs {shipped}")
        check("one student's token cannot read another's files", a.get(b.url + "api/contents").status_code == 403,
              a.get(b.url + "api/contents").status_code)
        check("one student's token cannot see another at the hub", a.get(f"{hub}hub/api/users/{b.name}").status_code in (403, 404))
        r = a.browser.get(b.url + "lab", timeout=60)
        check("one student's log-in (browser cookie) cannot open another's JupyterLab", r.status_code == 403, f"{r.status_code} {r.url}")
        r = a.get(a.url + f"api/contents/..%2F..%2F{b.name}%2Fnotebooks")
        check("a student's server does not serve files outside their copy (../)", r.status_code in (400, 403, 404), r.status_code)
        r = a.get(a.url + "assignments?course_id=lecture3")
        check("nbgrader: the Assignments list answers (the hub's exchange, course lecture3)", r.ok and r.json().get("success") is True, r.text[:300])
        check("nbgrader: a student's server has no formgrader", a.get(a.url + "formgrader").status_code == 404)
        page = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', a.get(a.url + "lab").text, re.S).group(1))
        check("nbgrader: JupyterLab shows students the Assignments tab, not the lecturer's tools",
              {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list"} <= set(page.get("disabledExtensions", []))
              and "@jupyter/nbgrader:assignment-list" not in page.get("disabledExtensions", []), page.get("disabledExtensions"))
        course = state / "course"  # the lecturer releases an assignment into the hub's exchange; a student fetches it
        (course / "release" / "04_mnist_conv").mkdir(parents=True)
        shutil.copy(ROOT / "notebooks" / "04_mnist_conv.ipynb", course / "release" / "04_mnist_conv")
        rel = subprocess.run([str(BIN / "nbgrader"), "release_assignment", "04_mnist_conv", f"--Exchange.root={state / 'exchange'}",
                              f"--CourseDirectory.root={course}", "--CourseDirectory.course_id=lecture3"], capture_output=True, text=True, cwd=course)
        listed = b.get(b.url + "assignments?course_id=lecture3").json().get("value", [])
        check("nbgrader: an assignment the lecturer released (nbgrader release_assignment) is in a student's Assignments list",
              rel.returncode == 0 and [(x["assignment_id"], x["status"]) for x in listed] == [("04_mnist_conv", "released")], rel.stderr[-500:] + str(listed)[:300])
        r = requests.post(b.url + "assignments/fetch", headers={"Authorization": f"token {b.token}"}, json={"course_id": "lecture3", "assignment_id": "04_mnist_conv"}, timeout=60)
        check("nbgrader: the student fetches it into their own folder", r.ok and (b.home / "notebooks" / "04_mnist_conv" / "04_mnist_conv.ipynb").is_file(), r.text[:300])

        # each student runs a notebook of their own and it is saved with its output (nothing_lost() looks for it
        # after a kernel, a server and the hub went down). 02 itself, in the students' own kernels at the same time
        # with its checks, its data cache, saved model and sizing, is run by test/hub/load_test.py for ten students.
        t0 = time.time()
        save_work(students)
        times["a notebook each, saved"] = time.time() - t0
        check(f"the dataset mirror ({mirror}) was not changed", [tree(d) for d in folders] == before)

        t0 = time.time()
        cnn, why = asyncio.run(cnn_sizing(a))
        times[f"04 CNN, {CNN_BATCHES} mini-batches"] = time.time() - t0
        check(f"04 CNN: {CNN_BATCHES} mini-batches in a student's kernel", cnn is not None, why)

        proc = hubctl.proc
        proxy = [c.pid for c in psutil.Process(proc.pid).children() if "configurable-http-proxy" in " ".join(c.cmdline())]
        report_sizing(cnn, {"hub": usage(proc.pid), "proxy": usage(proxy[0]) if proxy else None})

        t0 = time.time()
        nothing_lost(hubctl, students)
        times["kill a kernel, a server; restart the hub"] = time.time() - t0
        if os.getuid() == 0:
            systemd_loads(mirror)
            existing_accounts(mirror)
    finally:
        t0 = time.time()
        tail = hubctl.log_tail() if hubctl.proc and (sys.exc_info()[0] or not all(results)) else ""
        left = hubctl.stop()  # SIGTERM: the hub stops the students' servers (and their kernels) and the proxy
        times["stop"] = time.time() - t0
        check("everything it started has stopped (hub, proxy, servers, kernels)", not left, [p.pid for p in left])
        if tail:
            print("---- last lines of the hub's log:\n" + tail)
        hubctl.remove()
        for n in set(STUDENTS) - existed:  # the Unix accounts the hub made for this run's students (hub/accounts.py)
            account_cmd(["userdel", n])
        times["total"] = time.time() - t_start
        print("  times: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))


def accounts_checks(students, state, hubctl, mirror):
    """One Unix account per student (hub/accounts.py): the servers run as the students, and from inside each student's
    kernel everything that is not theirs is out of reach (EACCES / EPERM)."""
    import grp
    import pwd
    t0 = time.time()
    gradebook = ROOT / "course" / "gradebook.db"
    made_gradebook = not gradebook.exists()
    if made_gradebook:  # a clean clone has none yet (nbgrader makes it): one with content, removed at the end
        gradebook.write_text("the lecturer's grades\n")
    try:
        group = grp.getgrnam("lecture3-students")
        for s in students:
            acct = pwd.getpwnam(s.name)
            home = s.home.stat()
            server = psutil.Process(s.pid_of("jupyterhub-singleuser"))
            check(f"{s.name}: a Unix account of the course (group lecture3-students, uid {acct.pw_uid}), home {s.home} "
                  "mode 700 owned by the student, the server runs as the student",
                  acct.pw_gid == group.gr_gid and 30000 <= acct.pw_uid <= 39999 and acct.pw_dir == str(s.home)
                  and home.st_uid == acct.pw_uid and stat.S_IMODE(home.st_mode) == 0o700
                  and server.uids().real == acct.pw_uid and server.uids().effective == acct.pw_uid,
                  f"{acct} mode {oct(home.st_mode)} owner {home.st_uid} server {server.uids()}")
        check("the hub's database is the hub's alone (0600)", stat.S_IMODE((state / "jupyterhub.sqlite").stat().st_mode) == 0o600)
        untouched = {s.name: tree(s.home / "notebooks") for s in students}
        project = tree(ROOT / "lib") | {"package.json": (ROOT / "package.json").stat().st_mtime_ns}
        for i, s in enumerate(students):
            other = students[(i + 1) % len(students)]
            denied, allowed = permission_attempts(s, other, state, mirror)
            text, reply = run_cell(s, probe_cell(denied + allowed))
            got = dict(json.loads(x) for x in text.splitlines() if x.startswith("["))
            uid = pwd.getpwnam(s.name).pw_uid
            check(f"{s.name}: the probe cell ran in the student's own kernel, as the student (uid {got.get('uid')})",
                  reply.get("status") == "ok" and got.get("uid") == uid and len(got) == 1 + len(denied) + len(allowed),
                  f"{reply.get('evalue')} {text[-300:]}")
            for what, _ in denied:
                check(f"{s.name}'s kernel cannot {what}: {got.get(what)}", got.get(what) in ("EACCES", "EPERM"), got.get(what))
            for what, _ in allowed:
                check(f"{s.name}'s kernel can {what} (control)", got.get(what) == "OK", got.get(what))
        for s in students:
            check(f"{s.name}: the student's own work is untouched by the others' attempts", tree(s.home / "notebooks") == untouched[s.name])
        check("the project (lib/, package.json) is unchanged and nothing was written into it",
              tree(ROOT / "lib") | {"package.json": (ROOT / "package.json").stat().st_mtime_ns} == project
              and not any(p.exists() for p in (ROOT / "node_modules" / "x.js", ROOT / ".venv" / "x", ROOT / "hub" / "x")))

        # a name that is a system account is refused, with a message that says what to do
        daemon = hubctl.student("daemon")
        r = daemon.api("POST", "users/daemon/server")
        events = [json.loads(x[5:]) for x in daemon.api("GET", "users/daemon/server/progress").text.splitlines() if x.startswith("data:")]
        said = " ".join(e.get("message", "") for e in events)
        check(f"a student named after a system account (daemon) gets no server, and is told why in Japanese: {said[:200]}",
              r.status_code >= 400 and events and events[-1].get("failed") and "システムアカウント" in said and daemon.server() is None,
              f"{r.status_code} {r.text[:300]} {events}")
    finally:
        if made_gradebook:
            gradebook.unlink()
    print(f"  (accounts checks: {time.time() - t0:.1f} s)", flush=True)


TF_SETUP = """import { useBackend } from "lecture3";
await useBackend();
import * as tf from "@tensorflow/tfjs";
"""
RUNAWAY = """const keep: tf.Tensor[] = [];
while (true) keep.push(tf.ones([1024, 1024, 16])); // 64 MB more each time, never released
"""
COMPUTE = "console.log(`sum = ${tf.ones([300, 300]).matMul(tf.ones([300, 300])).sum().dataSync()[0]}`);"


def cgroup_of(pid):
    """The memory cgroup folder a process is in (cgroup v1, else v2)."""
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return Path("/sys/fs/cgroup/memory") / path.lstrip("/")
    return Path("/sys/fs/cgroup") / Path(f"/proc/{pid}/cgroup").read_text().split("0::", 1)[1].strip().lstrip("/")


def memory_checks(students, limit):
    """A runaway kernel (a student allocating tensors in a loop) ends at the student's memory cap with a Japanese
    message in that student's cell; another student's kernel keeps computing, unrestarted."""
    a, b = students[0], students[1]
    t0 = time.time()
    servers = {s.name: s.pid_of("jupyterhub-singleuser") for s in (a, b)}
    groups = {n: cgroup_of(pid) for n, pid in servers.items()}
    v1 = (groups[a.name] / "memory.limit_in_bytes").exists()
    set_limit = int((groups[a.name] / ("memory.limit_in_bytes" if v1 else "memory.max")).read_text())
    check(f"each student's server is in its own memory cgroup ({groups[a.name].name}, {groups[b.name].name}), limit {set_limit / 2**30:.1f} GiB",
          groups[a.name].name == f"lecture3-{a.name}" and groups[b.name].name == f"lecture3-{b.name}" and set_limit == limit, groups)

    async def go():
        async with Kernel(b.api, "steady.ipynb", "tslab") as kb, Kernel(a.api, "runaway.ipynb", "tslab") as ka:
            for k in (kb, ka):
                _, reply, _ = await k.execute(TF_SETUP)
                if reply["status"] != "ok":
                    return f"set-up failed: {reply.get('evalue')}", None, None, None
            b_pid = b.pid_of(f"kernel-{kb.kernel_id}.json")
            before, _, _ = await kb.execute(COMPUTE)
            # the runaway cell: read its messages until the message arrives (the kernel never replies: it is killed)
            msg_id = uuid.uuid4().hex
            ka.ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": ka.session, "username": "", "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": RUNAWAY, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            said, states = "", []
            t1 = time.time()
            while time.time() - t1 < 180 and "メモリの上限" not in said:
                m = json.loads(await asyncio.wait_for(ka.ws.read_message(), 180))
                if m["msg_type"] == "stream" and m.get("parent_header", {}).get("msg_id") == msg_id:
                    said += m["content"]["text"]
                if m["msg_type"] == "status":
                    states.append(m["content"]["execution_state"])
            after, reply, _ = await kb.execute(COMPUTE)
            return said, before, after, (b_pid, b.pid_of(f"kernel-{kb.kernel_id}.json"), reply["status"], time.time() - t1)

    said, before, after, more = asyncio.run(go())
    check(f"{a.name}'s runaway kernel ends at the cap with a message in the cell that says memory cap and what to do: "
          f"{said.strip().splitlines()[0] if said.strip() else said}",
          "メモリの上限" in said and "tf.tidy" in said and "dispose" in said, said[-300:])
    check(f"{b.name}'s kernel keeps computing meanwhile, the same process, not restarted ({printed(after).strip()})",
          more and printed(before) == printed(after) == "sum = 27000000\n" and more[0] == more[1] and more[2] == "ok", (said[:100], before, after, more))
    print(f"  (memory checks: {time.time() - t0:.1f} s, the runaway ended in {more[3] if more else 0:.1f} s)", flush=True)


SAVED = "saved-work.ipynb"
SAVED_CELL = "const mine = {name};\nconsole.log(`saved work of ${{mine}}: ${{6 * 7}}`);"


def save_work(students):
    """Each student writes a notebook of their own (contents API) and runs it in their own kernel, all three at once;
    run_notebook saves it with its output, as JupyterLab does."""
    import nbformat

    async def one(s):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SAVED_CELL.format(name=json.dumps(s.name)))])
        nb.metadata["kernelspec"] = {"name": "tslab", "display_name": "TypeScript", "language": "typescript"}
        await s.api.call("PUT", f"api/contents/{SAVED}", {"type": "notebook", "format": "json", "content": nb})
        return await run_notebook(s.api, SAVED)

    async def all_three():
        return await asyncio.gather(*(one(s) for s in students), return_exceptions=True)

    for s, nb in zip(students, asyncio.run(all_three())):
        said = "" if isinstance(nb, BaseException) else printed_by(nb)
        check(f"{s.name}: a notebook of their own ran in their kernel and was saved with its output ({said.strip()})",
              said == f"saved work of {s.name}: 42\n" and saved_output(s), repr(nb)[:300])


def saved_output(s):
    """Whether the student's server has their saved notebook with the output of its run."""
    r = s.get(s.url + f"api/contents/{SAVED}")
    return r.ok and printed_by(nbformat_of(r.json()["content"])) == f"saved work of {s.name}: 42\n"


def nbformat_of(content):
    import nbformat
    return nbformat.from_dict(content)


KEEP = "const kept = 41;"
ASK = "console.log(`kept + 1 = ${kept + 1}`);"


def alive(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def nothing_lost(hubctl, students):
    """Killing one student's kernel, then another's whole server, affects nobody else; restarting the hub keeps
    every student's saved work, and they log in again."""
    a, b, c = students

    async def kernels():
        kc = await Kernel(c.api, "c.ipynb", "tslab").__aenter__()  # carol's server will be killed: no session to close
        async with Kernel(a.api, "a.ipynb", "tslab") as ka, Kernel(b.api, "b.ipynb", "tslab") as kb:
            for k in (ka, kb, kc):
                await k.execute(KEEP)
            pids = {s.name: s.pid_of(f"kernel-{k.kernel_id}.json") for s, k in ((a, ka), (b, kb), (c, kc))}
            os.kill(pids[b.name], signal.SIGKILL)  # bob's kernel dies
            answers = [await k.execute(ASK) for k in (ka, kc)]
            same = [s.pid_of(f"kernel-{k.kernel_id}.json") == pids[s.name] for s, k in ((a, ka), (c, kc))]
            check(f"killing {b.name}'s kernel: {a.name}'s and {c.name}'s kernels keep their state and go on (the same processes)",
                  all(printed(out[0]) == "kept + 1 = 42\n" for out in answers) and all(same), (answers, same))
            t1 = time.time()  # bob's server restarts his kernel, and it computes again
            while time.time() - t1 < 60:
                try:
                    if b.pid_of(f"kernel-{kb.kernel_id}.json") != pids[b.name]:
                        break
                except RuntimeError:
                    pass
                await asyncio.sleep(0.5)
            await kb.reconnect()  # as JupyterLab does on "restarting" (the restarted kernel may be on new ports)
            out, reply, _ = await kb.execute("console.log(`6 * 7 = ${6 * 7}`);", timeout=120)
            _, gone, _ = await kb.execute(ASK, timeout=120)
            check(f"{b.name}'s server restarted his kernel (fresh: his variable is gone, it computes)",
                  gone["status"] == "error" and "kept" in gone.get("evalue", "") and reply["status"] == "ok"
                  and printed(out) == "6 * 7 = 42\n", (gone, out, reply))

            server = c.pid_of("jupyterhub-singleuser")  # carol's whole server dies (her kernel with it)
            os.kill(server, signal.SIGKILL)
            answer, _, _ = await ka.execute(ASK)
            check(f"killing {c.name}'s server: {a.name}'s kernel keeps its state and goes on",
                  printed(answer) == "kept + 1 = 42\n" and a.pid_of(f"kernel-{ka.kernel_id}.json") == pids[a.name], answer)
            kc.ws.close()
            return pids

    pids = asyncio.run(kernels())
    t1 = time.time()
    while time.time() - t1 < 90 and c.user.server():
        time.sleep(1)
    noticed = time.time() - t1
    while time.time() - t1 < 90 and alive(pids[c.name]):
        time.sleep(0.5)
    check(f"the hub notices {c.name}'s server is gone (within {noticed:.0f} s) and stops what was left of it (her kernel, "
          f"{time.time() - t1:.0f} s)", c.user.server() is None and not alive(pids[c.name]), pids)
    c.start_server()
    check(f"{c.name} starts her server again and finds her saved notebook, with its output", c.wait_ready() and saved_output(c))
    check(f"{a.name}'s and {b.name}'s servers kept running throughout", a.user.server() and b.user.server())

    saved = {s.name: tree(s.home / "notebooks") for s in students}
    left = hubctl.restart()  # SIGTERM, then the hub again on the same state folder and ports
    check("the hub stops (SIGTERM) with every server and kernel", not left, left)
    check("after the hub's restart every student's saved work is as it was", all(tree(s.home / "notebooks") == saved[s.name] for s in students))
    check("after the hub's restart every student logs in again with their password", all(s.user.log_in() for s in students))
    a.start_server()
    check(f"{a.name}'s server starts again, her saved notebook with its output", a.wait_ready() and saved_output(a))


def systemd_loads(mirror):
    """hub/systemd_config.py (LECTURE3_HUB_SPAWNER=systemd) loads: the hub starts with it and answers. Not tried
    further: this machine has no systemd to start the units."""
    t0 = time.time()
    with Hub(env={"LECTURE3_DATA_MIRROR": mirror, "LECTURE3_HUB_CULL_TIMEOUT": "0", "LECTURE3_HUB_SPAWNER": "systemd"}) as h:
        log = h.log_tail(100000)  # the whole log: the spawner line comes early
        check("the systemd configuration (hub/systemd_config.py, jupyterhub-systemdspawner) loads: the hub starts with it",
              "Using Spawner: builtins.StudentSystemdSpawner" in log and requests.get(h.url + "hub/api/", timeout=10).ok, log[-500:])
    check("... and stops, leaving nothing", not h.left, h.left)
    print(f"  (systemd configuration: {time.time() - t0:.1f} s)", flush=True)


def existing_accounts(mirror):
    """LECTURE3_HUB_ACCOUNTS=existing: a host account (uid from UID_MIN up, its own home) is used as it is; a name
    with no account on the host is refused with a message."""
    import pwd
    t0 = time.time()
    name, home = "lecture3-host", Path(tempfile.mkdtemp(prefix="lecture3-host-"))
    r = account_cmd(["useradd", "--home-dir", str(home), "--shell", "/bin/bash", name])
    if r.returncode:
        raise RuntimeError(f"useradd {name}: {r.stderr}")
    try:
        acct = pwd.getpwnam(name)
        os.chown(home, acct.pw_uid, acct.pw_gid)
        with Hub(env={"LECTURE3_DATA_MIRROR": mirror, "LECTURE3_HUB_CULL_TIMEOUT": "0", "LECTURE3_HUB_ACCOUNTS": "existing"}) as h:
            s = h.student(name)
            s.start_server()
            ok = s.wait_ready()
            server = [p for p in psutil.process_iter(["cmdline", "uids"]) if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or [])
                      and p.info["uids"].real == acct.pw_uid]
            check(f"LECTURE3_HUB_ACCOUNTS=existing: the host's account {name} (uid {acct.pw_uid}) is used, its server runs "
                  "as it, in its own home", ok and server and server[0].environ().get("HOME") == str(home)
                  and (home / "notebooks" / NOTEBOOK).is_file() and grp_name(acct.pw_gid) != "lecture3-students", (ok, server))
            s.stop_server()
            t = h.student("nosuchaccount")
            t.api("POST", "users/nosuchaccount/server")
            events = [json.loads(x[5:]) for x in t.api("GET", "users/nosuchaccount/server/progress").text.splitlines() if x.startswith("data:")]
            said = " ".join(e.get("message", "") for e in events)
            check(f"... a name with no account on the host is refused: {said[:120]}", "アカウントがありません" in said and t.server() is None, events)
        check("... and the hub stops leaving nothing", not h.left, h.left)
    finally:
        account_cmd(["userdel", name])
        subprocess.run(["groupdel", name], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
    print(f"  (existing accounts: {time.time() - t0:.1f} s)", flush=True)


def grp_name(gid):
    import grp
    return grp.getgrgid(gid).gr_name


def report_sizing(cnn, hub):
    """The 04 CNN's mini-batches in a student's kernel, the hub and the proxy (artifacts/hub-sizing.json); 02's rows
    per student are load_test.py's (artifacts/hub-load.json, ten at once)."""
    out = {"cpu_count": os.cpu_count(), "cnn_04": cnn, **hub}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "hub-sizing.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"  sizing (on {os.cpu_count()} cores; MB; artifacts/hub-sizing.json; 02 per student: test/hub/load_test.py):")
    print("    " + ", ".join(f"{k} RSS {v['rss_mb']:.0f} (USS {v['uss_mb']:.0f})" for k, v in hub.items() if v))
    if cnn:
        print(f"    04 CNN alone: {cnn['ms_per_batch']:.0f} ms and {cnn['cpu_s_per_batch']:.2f} CPU s per mini-batch of 100 "
              f"({cnn['cores']:.2f} cores); kernel RSS {cnn['trained']['rss_mb']:.0f} (PSS {cnn['trained']['pss_mb']:.0f}, USS {cnn['trained']['uss_mb']:.0f}), peak {cnn['trained']['peak_rss_mb']:.0f}")


if __name__ == "__main__":
    run_test(main, "hub")
