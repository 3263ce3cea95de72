"""The class hub (hub/jupyterhub_config.py) on this machine, the way a class uses it. Run by scripts/test.sh (step 7):

    .venv/bin/python test/hub/hub_test.py

Starts JupyterHub and configurable-http-proxy on free ports of 127.0.0.1 with a fresh state folder and a random
shared password, logs three students in through the login form, starts their servers, and checks: JupyterLab with
the tslab kernel; each student's file listing is their own copy of notebooks/; one student's token and log-in reach
neither another's server nor their files; an assignment the lecturer releases with nbgrader appears in a student's
Assignments list and the student fetches it into their folder. Then it runs
notebooks/02_mnist_mlp.ipynb in each student's own kernel AT THE SAME TIME through the server's API
(test/hub/run_notebook.py), checks that every run printed its accuracy and passes the notebook checks of
test/notebooks/checks.js, that the data came from the mirror into each student's own cache and the mirror was not
changed, and that a restarted server keeps the student's saved notebook.
Sizing (docs/hub.md): memory (RSS, PSS, peak) and CPU of each server and kernel while idle and while training the
02 MLP, and of a few mini-batches of the 04 CNN in one kernel; printed and written to artifacts/hub-sizing.json.
Stops everything it started, also on failure, and checks that none of its processes is left.
Ends with "hub: N passed, M failed".
"""
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

sys.dont_write_bytecode = True  # no __pycache__/ in the project for the import below
sys.path.insert(0, str(Path(__file__).parent))
from run_notebook import Kernel, ServerAPI, run_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".venv" / "bin"
STUDENTS = ["alice", "bob", "carol"]
PASSWORD = secrets.token_urlsafe(12)
NOTEBOOK = "02_mnist_mlp.ipynb"
CNN_BATCHES = 30
MNIST_FILES = sorted(f"{s}-{k}-idx{d}-ubyte.gz" for s in ("train", "t10k") for k, d in (("images", 3), ("labels", 1)))
ACCURACY = re.compile(r"^accuracy = (0\.\d{4}) \((\d+) / 10000\)", re.M)
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"  {'✔' if ok else '✘'} {name}" + ("" if ok else f": {detail}"), flush=True)


def free_ports():
    """A port p with p+1 and p+2 free as well (the hub's address, the proxy's API, the hub's API)."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        try:
            for q in (p, p + 1, p + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", q))
            return p
        except OSError:
            continue
    raise RuntimeError("no three consecutive free ports on 127.0.0.1")


def tree(folder):
    """Every file under folder with its size and modification time."""
    return {str(f.relative_to(folder)): (f.stat().st_size, f.stat().st_mtime_ns) for f in Path(folder).rglob("*") if f.is_file()}


def processes_of(state):
    """This run's processes: the hub's environment names the state folder, the proxy inherits it, and students'
    servers and kernels have their home in it."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.pid != os.getpid() and (str(state) in " ".join(p.cmdline()) or any(str(state) in v for v in p.environ().values())):
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


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


class Student:
    def __init__(self, hub, name, state):
        self.hub, self.name, self.home = hub, name, state / "users" / name
        self.url = f"{hub}user/{name}/"
        self.browser = requests.Session()

    def log_in(self, password):
        page = self.browser.get(self.hub + "hub/login", timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        r = self.browser.post(self.hub + "hub/login", data={"username": self.name, "password": password, "_xsrf": xsrf}, allow_redirects=False, timeout=60)
        return r.status_code == 302

    def make_token(self):
        r = requests.post(f"{self.hub}hub/api/users/{self.name}/tokens", json={"auth": {"username": self.name, "password": PASSWORD}, "note": "hub_test"},
                          timeout=60)
        r.raise_for_status()
        self.token = r.json()["token"]
        self.api = ServerAPI(self.url, self.token)

    def get(self, url):
        return requests.get(url, headers={"Authorization": f"token {self.token}"}, allow_redirects=False, timeout=60)

    def start_server(self):
        requests.post(f"{self.hub}hub/api/users/{self.name}/server", headers={"Authorization": f"token {self.token}"}, timeout=60).raise_for_status()

    def wait_ready(self, timeout=180):
        t0 = time.time()
        while time.time() - t0 < timeout:
            server = self.get(f"{self.hub}hub/api/users/{self.name}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return True
            time.sleep(0.5)
        return False

    def stop_server(self, timeout=60):
        requests.delete(f"{self.hub}hub/api/users/{self.name}/server", headers={"Authorization": f"token {self.token}"}, timeout=60).raise_for_status()
        t0 = time.time()
        while time.time() - t0 < timeout and self.get(f"{self.hub}hub/api/users/{self.name}").json().get("servers"):
            time.sleep(0.5)

    def pid_of(self, marker):
        """The pid of this student's process whose command line contains marker."""
        for p in psutil.process_iter(["cmdline"]):
            try:
                if marker in " ".join(p.info["cmdline"] or []) and p.environ().get("HOME") == str(self.home):
                    return p.pid
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        raise RuntimeError(f"no process of {self.name} with {marker!r}")


async def run_02(student, sizing):
    """Runs 02 in the student's server; records the kernel's usage when it has started, after each cell and idle."""
    snaps = sizing.setdefault(student.name, {})

    async def after_cell(i, cell, kernel):
        if i < 0:
            student.kernel_pid = student.pid_of(f"kernel-{kernel.kernel_id}.json")
            snaps["kernel_started"] = usage(student.kernel_pid)
        elif "optimizer.step(" in cell.source:
            snaps["training_start"] = snaps["last"]
            snaps["training_end"] = usage(student.kernel_pid)
            snaps["training_cell"] = cell.metadata["execution"]
        if i >= 0:
            snaps["last"] = usage(student.kernel_pid)
        if i >= 0 and "useBackend(" in cell.source:
            snaps["backend_loaded"] = snaps["last"]
        if i >= 0 and cell.outputs and cell.outputs[-1].get("output_type") == "error":
            print(f"    {student.name}: cell {i} failed: {cell.outputs[-1].get('ename')}: {cell.outputs[-1].get('evalue')}", flush=True)
        if i == LAST_CODE_CELL:  # then the kernel sits idle, as a student's does while reading
            snaps["idle_a"] = usage(student.kernel_pid)
            await asyncio.sleep(5)
            snaps["idle_b"] = usage(student.kernel_pid)
            snaps["server"] = usage(student.pid_of("jupyterhub-singleuser"))

    t0 = time.time()
    nb = await run_notebook(student.api, NOTEBOOK, after_cell=after_cell)
    snaps["seconds"] = time.time() - t0
    return nb


LAST_CODE_CELL = max(i for i, c in enumerate(json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())["cells"]) if c["cell_type"] == "code")

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
        text = "".join(o.get("text", "") for o in outputs)
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
    state = Path(tempfile.mkdtemp(prefix="lecture3-hub-test-"))
    port = free_ports()
    hub = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "LECTURE3_HUB_STATE": str(state), "LECTURE3_HUB_PORT": str(port), "LECTURE3_HUB_PASSWORD": PASSWORD,
           "LECTURE3_DATA_MIRROR": mirror, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    log = open(state / "jupyterhub.log", "w")
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(ROOT / "hub" / "jupyterhub_config.py")], cwd=state, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    times = {}
    try:
        t0 = time.time()
        while time.time() - t0 < 60 and proc.poll() is None:
            try:
                if requests.get(hub + "hub/api/", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.3)
        times["hub start"] = time.time() - t0
        check(f"JupyterHub and configurable-http-proxy answer on {hub}", requests.get(hub + "hub/api/", timeout=5).ok)

        students = [Student(hub, n, state) for n in STUDENTS]
        check("a wrong password does not log in", not Student(hub, "mallory", state).log_in("wrong-password"))
        check("three students log in with the shared password", all(s.log_in(PASSWORD) for s in students))
        for s in students:
            s.make_token()
        t0 = time.time()
        for s in students:
            s.start_server()
        check("their three servers start", all(s.wait_ready() for s in students))
        times["servers start"] = time.time() - t0

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

        # 02 for all three at once, each in its own kernel
        sizing = {}

        async def all_three():
            return await asyncio.gather(*(run_02(s, sizing) for s in students), return_exceptions=True)

        t0 = time.time()
        runs = asyncio.run(all_three())
        times["02 x3 at once"] = time.time() - t0
        executed = []
        for s, nb in zip(students, runs):
            if isinstance(nb, BaseException):
                check(f"{s.name}: 02 ran in the student's kernel", False, repr(nb))
                continue
            text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
            m = ACCURACY.search(text)
            check(f"{s.name}: 02 finished with its accuracy printed ({m.group(0) if m else 'none'})", m and float(m.group(1)) > 0.8, text[-300:])
            executed.append(str(s.home / "notebooks" / NOTEBOOK))
        spans = [sizing[s.name]["training_cell"] for s in students if "training_cell" in sizing.get(s.name, {})]
        check("the three trainings ran at the same time (their training cells overlap)",
              len(spans) == 3 and max(x["iopub.status.busy"] for x in spans) < min(x["iopub.status.idle"] for x in spans), spans)
        if executed:
            out = subprocess.run(["node", str(ROOT / "test" / "hub" / "check-notebooks.js"), str(state / "html"), *executed],
                                 capture_output=True, text=True, cwd=ROOT)
            lines = [x for x in out.stdout.splitlines() if x[:1] in "✔✘"]
            for x in lines:
                check("checks.js: " + x[2:].replace(str(state) + "/users/", ""), x.startswith("✔"))
            check("the notebook checks of test/notebooks/checks.js ran", len(lines) > 0 and out.returncode == 0, out.stderr[-500:])
        for s in students:
            cache = s.home / "datasets" / "mnist"
            check(f"{s.name}: MNIST in the student's own data cache (LECTURE3_DATA_CACHE)",
                  sorted(f.name for f in cache.glob("*.gz")) == MNIST_FILES, sorted(f.name for f in cache.glob("*")))
            check(f"{s.name}: the model saved by 02 is in the student's own folder", (s.home / "notebooks" / "models" / "mlp.json").is_file())
        check(f"the dataset mirror ({mirror}) was not changed", [tree(d) for d in folders] == before)

        t0 = time.time()
        cnn, why = asyncio.run(cnn_sizing(a))
        times[f"04 CNN, {CNN_BATCHES} mini-batches"] = time.time() - t0
        check(f"04 CNN: {CNN_BATCHES} mini-batches in a student's kernel", cnn is not None, why)

        t0 = time.time()
        a.stop_server()
        a.start_server()
        check("a restarted server comes back", a.wait_ready())
        saved = a.get(a.url + f"api/contents/{NOTEBOOK}").json()["content"]
        check("a restarted server keeps the student's saved notebook (outputs of the run), not a fresh copy",
              any(c.get("outputs") for c in saved["cells"]))
        times["restart one server"] = time.time() - t0
        proxy = [c.pid for c in psutil.Process(proc.pid).children() if "configurable-http-proxy" in " ".join(c.cmdline())]
        report_sizing(sizing, cnn, {"hub": usage(proc.pid), "proxy": usage(proxy[0]) if proxy else None})
    finally:
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)  # the hub stops the students' servers (and their kernels) and the proxy
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        for p in processes_of(state):  # anything the hub did not stop
            print(f"    left running, killing: {p.pid} {' '.join(p.cmdline())[:150]}")
            p.kill()
        time.sleep(0.5)
        left = processes_of(state)
        times["stop"] = time.time() - t0
        check("everything it started has stopped (hub, proxy, servers, kernels)", not left, [p.pid for p in left])
        if not all(results):
            print("---- last lines of the hub's log:\n" + "".join(open(state / "jupyterhub.log").readlines()[-40:]))
        log.close()
        shutil.rmtree(state, ignore_errors=True)
        times["total"] = time.time() - t_start
        print("  times: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))


def report_sizing(sizing, cnn, hub):
    rows = []
    for name, s in sizing.items():
        if "idle_b" not in s:
            continue
        rows.append({
            "student": name,
            "server_rss_mb": s["server"]["rss_mb"], "server_pss_mb": s["server"]["pss_mb"],
            "kernel_started_rss_mb": s["kernel_started"]["rss_mb"],
            "kernel_backend_rss_mb": s["backend_loaded"]["rss_mb"],
            "kernel_after_02_rss_mb": s["idle_b"]["rss_mb"], "kernel_after_02_pss_mb": s["idle_b"]["pss_mb"],
            "kernel_after_02_uss_mb": s["idle_b"]["uss_mb"], "server_uss_mb": s["server"]["uss_mb"],
            "run_02_cpu_s": s["idle_a"]["cpu_s"] - s["kernel_started"]["cpu_s"],
            "kernel_peak_rss_mb": s["idle_b"]["peak_rss_mb"],
            "kernel_idle_cores": cores(s["idle_a"], s["idle_b"]),
            "training_seconds": s["training_end"]["t"] - s["training_start"]["t"],
            "training_cpu_s": s["training_end"]["cpu_s"] - s["training_start"]["cpu_s"],
            "training_cores": cores(s["training_start"], s["training_end"]),
            "run_02_seconds": s["seconds"],
        })
    out = {"students_at_once": len(rows), "cpu_count": os.cpu_count(), "mlp_02": rows, "cnn_04": cnn, **hub}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "hub-sizing.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"  sizing ({len(rows)} students at once on {os.cpu_count()} cores; MB; artifacts/hub-sizing.json):")
    print("    " + ", ".join(f"{k} RSS {v['rss_mb']:.0f} (USS {v['uss_mb']:.0f})" for k, v in hub.items() if v))
    for r in rows:
        print(f"    {r['student']}: server RSS {r['server_rss_mb']:.0f} (PSS {r['server_pss_mb']:.0f}, USS {r['server_uss_mb']:.0f}); kernel RSS started "
              f"{r['kernel_started_rss_mb']:.0f}, backend loaded {r['kernel_backend_rss_mb']:.0f}, after 02 {r['kernel_after_02_rss_mb']:.0f} "
              f"(PSS {r['kernel_after_02_pss_mb']:.0f}, USS {r['kernel_after_02_uss_mb']:.0f}), peak {r['kernel_peak_rss_mb']:.0f}; idle {r['kernel_idle_cores']:.3f} cores; "
              f"MLP training {r['training_seconds']:.1f} s, {r['training_cpu_s']:.1f} CPU s ({r['training_cores']:.2f} cores); "
              f"whole 02 {r['run_02_seconds']:.1f} s, {r['run_02_cpu_s']:.1f} CPU s")
    if cnn:
        print(f"    04 CNN alone: {cnn['ms_per_batch']:.0f} ms and {cnn['cpu_s_per_batch']:.2f} CPU s per mini-batch of 100 "
              f"({cnn['cores']:.2f} cores); kernel RSS {cnn['trained']['rss_mb']:.0f} (PSS {cnn['trained']['pss_mb']:.0f}, USS {cnn['trained']['uss_mb']:.0f}), peak {cnn['trained']['peak_rss_mb']:.0f}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # killed (a CI time-out): still stop the hub (main's finally)
    try:
        main()
    except Exception as e:  # a failure outside the checks still counts, with its cause
        import traceback

        traceback.print_exc()
        check("the hub test ran to its end", False, repr(e))
    print(f"hub: {sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if results and all(results) else 1)
