"""nbgrader across Unix accounts on the class hub (issue 22, item 2). Run by scripts/test.sh (step 7):

    .venv/bin/python test/hub/nbgrader_test.py        (as root, like CI: it makes Unix accounts)

The lecturer is a Unix account of its own, not root (nbgrader needs no root, and autograding runs the students' code:
it must never run as root). The flow is the one docs/grading.md describes for the hub:
  1. the lecturer (nbgrader, in their own course folder, mode 0700) generates and releases 04_mnist_conv into the
     hub's exchange; the exchange's folders have the modes nbgrader sets for a shared exchange (root 0777 + sticky,
     <course>/outbound 0755, inbound 2733 so students drop submissions in but cannot list them, feedback 0711);
  2. three students, each in their own account, fetch it THROUGH THEIR SERVERS (the nbgrader assignment API that
     JupyterLab's Assignments tab calls), answer it (the answers of test/nbgrader/autograde.py: blank, correct, mix),
     save it through the server's contents API as JupyterLab does, and submit it through their servers;
  3. one student, from his kernel, also hands in a notebook in another's name (nbgrader submit --student=...); the
     lecturer collects with hub/nbgrader_collect.py, which refuses that one (nbgrader's own collect would take it);
     autogrades (the students' code runs as the lecturer, never as root), generates and releases the feedback; the
     scores in the gradebook are exact (blank 0, correct 8, mix 2 of 8, cell by cell);
  4. each student fetches their feedback through their server and gets their own, with their own ✔ / ✘ lines;
  5. from INSIDE each student's kernel: another student's fetched feedback, submission cache and notebook, the
     exchange's inbound and feedback listings, and the lecturer's course folder (gradebook, submissions, feedback)
     are unreadable (EACCES).
CI cost: the CNN of 04 is not trained again when step 4 of npm test trained it (notebooks/models/, checked as
test/nbgrader/autograde.py checks it) or step 6 left its copy in artifacts/nbgrader/ (the students upload it into
their folder and set reuse_saved_model = true, as a student who trained it before may); so in npm test this runs
beside step 6, not after it. Run alone, the blank submission trains it first and the other two reuse it.
Ends with "nbgrader-hub: N passed, M failed".
"""
import asyncio
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__/ in the project for the imports below
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "nbgrader"))
from hubctl import Hub, account_cmd, check, results, run_test  # noqa: E402 (test/hub/hubctl.py)
from run_notebook import Kernel, printed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".venv" / "bin"
A = "04_mnist_conv"
COURSE_ID = "lecture3"
STEP6_MODELS = ROOT / "artifacts" / "nbgrader" / "course" / "autograded" / "blank" / A / "models"
MODEL_FILES = ["cnn.json", "cnn_history.json"]
EXERCISES = [f"ex{n}" for n in range(1, 9)]


def answers(kind):
    """The answers of test/nbgrader/autograde.py: {grade_id: source} (blank: none)."""
    import autograde  # test/nbgrader/autograde.py: the solution's answer cells, without their delimiters

    if kind == "blank":
        return {}
    if kind == "correct":
        return {f"ex{n}_answer": autograde.answer(n) for n in range(1, 9)}
    return {"ex1_answer": autograde.answer(1), "ex7_answer": autograde.answer(7),
            "ex2_answer": autograde.answer(2, ("statement: 2", "statement: 1")),
            "ex6_answer": autograde.answer(6, ("* Math.cos((2 * Math.PI * xr)", "* Math.sin((2 * Math.PI * xr)"))}


FORGE = f"""import {{ execSync }} from "child_process";
try {{
  console.log(execSync("nbgrader submit {A} --student=nbgalice 2>&1", {{ cwd: process.env.HOME + "/notebooks", encoding: "utf8" }}));
}} catch (e: any) {{ console.log("submit failed: " + e.stdout); }}
"""
WANT = {"correct": {e: 1 for e in EXERCISES}, "blank": {e: 0 for e in EXERCISES},
        "mix": {e: (1 if e in ("ex1", "ex7") else 0) for e in EXERCISES}}


class Lecturer:
    """The lecturer's Unix account (not root) and their course folder (a copy of course/ with the solutions), where
    they run nbgrader."""

    def __init__(self, name, home, exchange):
        self.name, self.home, self.exchange = name, Path(home), exchange
        self.course = self.home / "course"

    def create(self):
        r = account_cmd(["useradd", "--system", "--user-group", "--home-dir", str(self.home), "--shell", "/usr/sbin/nologin", self.name])
        if r.returncode:
            raise RuntimeError(f"useradd {self.name}: {r.stderr}")
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.home.mkdir(mode=0o700)
        shutil.copytree(ROOT / "course", self.course,  # the solution notebooks themselves (not links), no gradebook
                        ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback", "gradebook.db"))
        (self.home / "node_modules").symlink_to(ROOT / "node_modules")  # the notebooks import "lecture3" from there
        for d, _, files in os.walk(self.home):
            for x in [d, *(os.path.join(d, f) for f in files)]:
                os.lchown(x, self.uid, self.gid)
        self.home.chmod(0o700)

    def remove(self):
        account_cmd(["userdel", self.name])

    def nbgrader(self, *args, command=None):
        """nbgrader run as the lecturer (their uid, groups and HOME) in their course folder; command: another program
        that takes nbgrader's arguments (scripts/grade_verify.py autograde, what npm run grade uses)."""
        env = {"HOME": str(self.home), "USER": self.name, "LOGNAME": self.name, "LANG": os.environ.get("LANG", "C.UTF-8"),
               "PATH": f"{BIN}:{ROOT / 'node_modules' / '.bin'}:/usr/bin:/bin", "JUPYTER_PATH": str(ROOT / ".venv" / "share" / "jupyter"),
               "TF_CPP_MIN_LOG_LEVEL": "2", "LECTURE3_DATA_CACHE": str(self.home / "datasets"),
               "PYTHONPATH": str(ROOT / "hub")}  # hub/nbgrader_collect.py
        for k in ("LECTURE3_DATA_MIRROR", "TFJS_BACKEND", "LD_LIBRARY_PATH"):
            if k in os.environ:
                env[k] = os.environ[k]
        r = subprocess.run([*(command or [str(BIN / "nbgrader")]), *args, f"--Exchange.root={self.exchange}", f"--CourseDirectory.course_id={COURSE_ID}",
                            "--log-level=WARN"], cwd=self.course, env=env, user=self.uid, group=self.gid, extra_groups=[],
                           umask=0o022, capture_output=True, text=True)
        if r.returncode:
            print(f"    nbgrader {' '.join(args)} (as {self.name}) exited with {r.returncode}:\n{r.stdout[-1500:]}{r.stderr[-3000:]}", flush=True)
        return r


class StudentSide:
    """What a student does through their own server: the nbgrader assignment API of the Assignments tab, the contents
    API of JupyterLab's file browser and editor, and a kernel."""

    def __init__(self, student, kind):
        self.s, self.kind = student, kind  # student: hubctl's logged-in student with .url, .token, .home

    def call(self, method, path, body=None):
        import requests

        r = requests.request(method, self.s.url + path, headers={"Authorization": f"token {self.s.token}"},
                             json=body, timeout=300)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    def assignments(self):
        """The Assignments tab's list: GET assignments?course_id=..."""
        code, j = self.call("GET", f"assignments?course_id={COURSE_ID}")
        return j.get("value", []) if code == 200 and isinstance(j, dict) and j.get("success") else None

    def action(self, what):
        """The tab's buttons: POST assignments/fetch, assignments/submit, assignments/fetch_feedback."""
        code, j = self.call("POST", f"assignments/{what}", {"course_id": COURSE_ID, "assignment_id": A})
        return code == 200 and isinstance(j, dict) and j.get("success") is True, j

    def answer(self, model_dir):
        """Writes the answers into the fetched notebook and saves it (contents API, as JupyterLab saves); with
        model_dir, uploads the trained CNN into the assignment's models/ and sets reuse_saved_model = true."""
        code, model = self.call("GET", f"api/contents/{A}/{A}.ipynb?content=1")
        nb = model["content"]
        mine = answers(self.kind)
        for c in nb["cells"]:
            gid = c["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in mine:
                c["source"] = mine[gid]
            if model_dir and "let reuse_saved_model = false;" in "".join(c["source"]):
                c["source"] = "".join(c["source"]).replace("let reuse_saved_model = false;", "let reuse_saved_model = true;")
        ok = self.call("PUT", f"api/contents/{A}/{A}.ipynb", {"type": "notebook", "format": "json", "content": nb})[0] == 200
        if model_dir:
            ok = ok and self.call("PUT", f"api/contents/{A}/models", {"type": "directory"})[0] in (200, 201)
            for f in MODEL_FILES:
                ok = ok and self.call("PUT", f"api/contents/{A}/models/{f}", {"type": "file", "format": "text",
                                                                               "content": (Path(model_dir) / f).read_text()})[0] in (200, 201)
        return ok

    async def attempts(self, paths):
        """Runs one TypeScript cell in the student's kernel that tries to read (or list) each path; returns
        {label: "OK" or the error code}."""
        code = ("import * as fs from \"fs\";\nconst tries: Record<string, string> = " + json.dumps(paths) + ";\n"
                "const got: Record<string, string> = {};\n"
                "for (const [k, p] of Object.entries(tries)) {\n"
                "  try { if (fs.statSync(p).isDirectory()) fs.readdirSync(p); else fs.readFileSync(p); got[k] = \"OK\"; }\n"
                "  catch (e: any) { got[k] = e.code || String(e); }\n"
                "}\nconsole.log(\"ATTEMPTS \" + JSON.stringify(got));\n")
        text, reply = await self.run_ts(code)
        m = re.search(r"^ATTEMPTS (.*)$", text, re.M)
        return json.loads(m.group(1)) if m else {"(the cell)": f"{reply.get('ename')}: {reply.get('evalue')} {text[-300:]}"}

    async def run_ts(self, code):
        """Runs one TypeScript cell in a kernel of the student's server; returns (its printed text, the reply)."""
        from run_notebook import ServerAPI

        async with Kernel(ServerAPI(self.s.url, self.s.token), f"{A}/{A}.ipynb", "tslab") as k:
            outputs, reply, _ = await k.execute(code, timeout=300)
        return printed(outputs), reply


def trained_cnn():
    """The trained CNN of 04 the submissions reuse, and where it comes from: step 4's (notebooks/models/, when the
    executed students' 04 in artifacts/notebooks/ says it trained exactly that one: test/nbgrader/autograde.py's
    step4_models(), the CNN step 6 loads as well), so that this test does not wait for step 6; else step 6's copy
    (artifacts/nbgrader/); else none, and the blank submission trains it."""
    import autograde  # test/nbgrader/autograde.py

    step4 = autograde.step4_models()
    if step4:
        return Path(step4), f"step 4 trained it ({Path(step4).relative_to(ROOT)}, as artifacts/notebooks/{A}.ipynb reports)"
    if all((STEP6_MODELS / f).is_file() for f in MODEL_FILES):
        return STEP6_MODELS, f"reused from step 6 ({STEP6_MODELS.relative_to(ROOT)})"
    return None, "not trained yet: the blank submission trains it"


def mode(p):
    st = os.stat(p)
    return stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name


def feedback_lines(html):
    import html as h
    return {int(m[0]): h.unescape(m[1]).strip() for m in re.findall(r"演習(\d+): ((?:✔|✘|未解答)[^\n<]*)", html)}


def main():
    t_start = time.time()
    times = {}
    # the class hub on free ports with a fresh state folder, run as root: it makes each student's Unix account
    hub = Hub(env={"LECTURE3_HUB_CULL_TIMEOUT": "0"})
    exchange = hub.state / "exchange"
    lecturer = Lecturer(f"l3lect{os.getpid() % 100000}", hub.state / "lecturer", exchange)
    kinds = {"nbgalice": "correct", "nbgbob": "blank", "nbgcarol": "mix"}  # names of their own: other hub tests use alice, bob, carol
    try:
        hub.start()
        lecturer.create()
        check(f"the lecturer is a Unix account of its own, not root ({lecturer.name}, uid {lecturer.uid})", lecturer.uid != 0)

        # 1. the lecturer generates and releases 04 into the hub's exchange
        t0 = time.time()
        gen = lecturer.nbgrader("generate_assignment", A, "--force")
        rel = lecturer.nbgrader("release_assignment", A, "--force")
        check("the lecturer generates and releases 04 (nbgrader generate_assignment, release_assignment, as the lecturer)",
              gen.returncode == 0 and rel.returncode == 0, (gen.stderr + rel.stderr)[-500:])
        course = exchange / COURSE_ID
        want = {exchange: (0o1777, "root"), course: (0o755, lecturer.name), course / "outbound": (0o755, lecturer.name),
                course / "inbound": (0o2733, lecturer.name)}
        got = {p: mode(p) for p in want if p.exists()}
        check("the exchange has nbgrader's modes for a shared exchange: root 1777, <course> and outbound 0755, inbound 2733 (writable, not listable)",
              got == want, {str(p.relative_to(hub.state)): (oct(m), o) for p, (m, o) in got.items()})
        times["release"] = time.time() - t0

        # 2. three students fetch it through their servers, answer and submit
        t0 = time.time()
        students = {name: StudentSide(hub.student(name), kind) for name, kind in kinds.items()}
        for st in students.values():
            st.s.start_server()
        check("three students sign up, are approved, log in, and their servers start (each as their own Unix account)",
              all(st.s.wait_ready() for st in students.values()))
        for name, st in students.items():
            st.s.home = Path(pwd.getpwnam(name).pw_dir)
        times["students"] = time.time() - t0
        t0 = time.time()
        for name, st in students.items():
            listed = st.assignments()
            check(f"{name}: the Assignments list (GET assignments) shows 04 released",
                  listed is not None and [(x["assignment_id"], x["status"]) for x in listed] == [(A, "released")], listed)
            ok, j = st.action("fetch")
            nb = st.s.home / "notebooks" / A / f"{A}.ipynb"
            check(f"{name}: fetches it through their server (POST assignments/fetch) into their own folder, owned by them",
                  ok and nb.is_file() and nb.stat().st_uid == pwd.getpwnam(name).pw_uid, str(j)[:300])
        times["fetch"] = time.time() - t0

        model_dir, whose = trained_cnn()
        print(f"  the CNN of 04: {whose}", flush=True)
        rounds = [list(kinds)] if model_dir else [["nbgbob"], ["nbgalice", "nbgcarol"]]
        for names in rounds:
            t0 = time.time()
            for name in names:
                st = students[name]
                check(f"{name}: answers ({st.kind}) and saves the notebook through their server (contents API)", st.answer(model_dir))
                ok, j = st.action("submit")
                listed = [x for x in (st.assignments() or []) if x["status"] == "submitted"]
                check(f"{name}: submits it through their server (POST assignments/submit); the list shows it submitted",
                      ok and len(listed) == 1, str(j)[:300])
            if "nbgalice" in names:  # nbgbob, from his kernel, submits his own notebook in nbgalice's name (later)
                text, _ = asyncio.run(students["nbgbob"].run_ts(FORGE))
                mine = {f.stat().st_uid == pwd.getpwnam("nbgbob").pw_uid: f.name.split("+")[2] for f in (course / "inbound").glob(f"nbgalice+{A}+*")}
                check("nbgbob can hand in a notebook in nbgalice's name (nbgrader submit --student=nbgalice from his kernel): in the inbound, "
                      "his, newer than hers (nbgrader's own collect would take it as hers)", len(mine) == 2 and mine[True] > mine[False], f"{mine} {text[-300:]}")
            col = lecturer.nbgrader("collect", A, "--ExchangeFactory.collect=nbgrader_collect.OwnerCheckedCollect")
            check(f"the lecturer collects {', '.join(names)} (nbgrader collect with hub/nbgrader_collect.py)", col.returncode == 0 and all(
                (lecturer.course / "submitted" / n / A / f"{A}.ipynb").is_file() for n in names), col.stderr[-500:])
            if "nbgalice" in names:
                check("the collect refuses the submission made in another's name, saying so (なりすましの疑い; nbgrader alone only warns and takes it)",
                      "なりすましの疑いがあるので集めません" in col.stderr and "作ったのは nbgbob" in col.stderr, col.stderr[-500:])
            for name in names:
                t1 = time.time()
                # nbgrader autograde with a key of this run, then the signed verdicts verified (docs/grading.md 不正への備え)
                r = lecturer.nbgrader(A, name, command=[str(BIN / "python"), str(ROOT / "scripts" / "grade_verify.py"), "autograde"])
                times[f"autograde {name}"] = time.time() - t1
                report = lecturer.course / "autograded" / name / A / "lecture3-verify.json"
                rep = json.loads(report.read_text()) if report.is_file() else {}
                check(f"the lecturer autogrades {name} (scripts/grade_verify.py autograde, as the lecturer: {times[f'autograde {name}']:.0f} s): "
                      "every check cell verified, none zeroed, nothing to look at (要確認)", r.returncode == 0 and len(rep.get("cells", {})) == 8
                      and not rep.get("zeroed") and not rep.get("flags"), (r.stderr[-500:], rep))
            if not model_dir:
                model_dir = lecturer.course / "autograded" / "nbgbob" / A / "models"
                check("autograde ran nbgbob's blank notebook to the end: it trained the CNN and saved models/",
                      all((model_dir / f).is_file() for f in MODEL_FILES))
            times[f"round {'+'.join(names)}"] = time.time() - t0

        cached = [f for f in (lecturer.home / "datasets").rglob("*") if f.is_file()]
        check("autograde ran the students' notebooks as the lecturer's account, not root: the MNIST files their kernels copied into the data cache belong to it",
              cached and all(f.stat().st_uid == lecturer.uid for f in cached), [(f.name, f.stat().st_uid) for f in cached][:5])

        # 3. scores, feedback
        from nbgrader.api import Gradebook

        with Gradebook("sqlite:///" + str(lecturer.course / "gradebook.db"), course_id=COURSE_ID) as gb:
            for name, kind in kinds.items():
                try:
                    sub = gb.find_submission_notebook(A, A, name)
                    got, total = {g.name: g.score for g in sub.grades}, (sub.score, sub.max_score)
                except Exception as e:  # noqa: BLE001 (a failed check)
                    got, total = repr(e), None
                check(f"{name} ({kind}): the gradebook has {sum(WANT[kind].values())} / 8, cell by cell", got == WANT[kind] and total == (sum(WANT[kind].values()), 8), f"{got}, {total}")
        t0 = time.time()
        gf = lecturer.nbgrader("generate_feedback", A, "--force")
        rf = lecturer.nbgrader("release_feedback", A)
        check("the lecturer generates and releases the feedback (nbgrader generate_feedback, release_feedback)",
              gf.returncode == 0 and rf.returncode == 0, (gf.stderr + rf.stderr)[-500:])
        check("the exchange's feedback folder is 0711, the lecturer's: students may open a file by its name, not list them",
              (course / "feedback").exists() and mode(course / "feedback") == (0o711, lecturer.name), (course / "feedback").exists() and mode(course / "feedback"))
        released = sorted(f.name for f in (course / "feedback").glob("*.html"))
        check("three feedback files released, each named by a hash of its submission's secret (not by the student)",
              len(released) == 3 and not any(n in x for x in released for n in kinds), released)

        # 4. each student fetches their own feedback through their server
        fetched = {}
        for name, st in students.items():
            ok, j = st.action("fetch_feedback")
            files = sorted((st.s.home / "notebooks" / A / "feedback").glob(f"*/{A}.html"))
            fetched[name] = files
            lines = feedback_lines(files[0].read_text()) if len(files) == 1 else {}
            want_lines = {n: ("✔" if WANT[st.kind][f"ex{n}"] else ("✘" if (st.kind, n) in (("mix", 2), ("mix", 6)) else "未解答")) for n in range(1, 9)}
            check(f"{name}: fetches their feedback through their server (POST assignments/fetch_feedback): one HTML, their own lines {''.join(v[0] for v in want_lines.values())}",
                  ok and len(files) == 1 and {n: l.split(" ")[0] for n, l in lines.items()} == want_lines, f"{str(j)[:200]} {files} {lines}")
            score = re.search(r"Score: ([\d.]+) / ([\d.]+)\)", files[0].read_text()) if len(files) == 1 else None
            check(f"{name}: the feedback shows their score {sum(WANT[st.kind].values())} / 8", score and score.groups() == (f"{sum(WANT[st.kind].values())}.0", "8.0"), score and score.groups())
            if st.kind == "mix":  # what test/nbgrader/autograde.py checks of the mix's feedback, here as the student gets it
                html = files[0].read_text() if len(files) == 1 else ""
                for n, about in ((2, "statement 1 は逆です"), (6, "sin ではなく cos")):
                    check(f"{name}: the feedback names 演習{n} as wrong with its hint ({about})", about in lines.get(n, ""), lines.get(n))
                failed = sorted(int(n) for n in re.findall(r"演習(\d+) は ✔ ではないので 0 点です", html))
                check(f"{name}: the check cells that are not ✔ (演習2-6, 8) end with the autograder's 0-point line, 演習1 and 7 do not", failed == [2, 3, 4, 5, 6, 8], failed)
                cells = re.findall(r"Score: ([\d.]+) / ([\d.]+)\)", html)[1:]
                check(f"{name}: the feedback shows each check cell's points in order (1 for 演習1 and 7, else 0)",
                      cells == [("1.0" if n in (1, 7) else "0.0", "1.0") for n in range(1, 9)], cells)
        times["feedback"] = time.time() - t0

        # 5. from inside each student's kernel: nothing of another student's, the exchange's listings, the lecturer's
        t0 = time.time()
        names = list(kinds)
        for i, name in enumerate(names):
            other = names[(i + 1) % 3]
            oh = students[other].s.home
            tries = {
                f"{other}'s fetched feedback": str(fetched[other][0]) if fetched[other] else str(oh / "notebooks" / A / "feedback"),
                f"{other}'s notebook": str(oh / "notebooks" / A / f"{A}.ipynb"),
                f"{other}'s nbgrader cache (the submission's secret)": str(oh / ".local" / "share" / "jupyter" / "nbgrader_cache"),
                "the exchange's inbound (the submissions)": str(course / "inbound"),
                "the exchange's released feedback (listing)": str(course / "feedback"),
                "the lecturer's gradebook": str(lecturer.course / "gradebook.db"),
                f"the lecturer's copy of {other}'s submission": str(lecturer.course / "submitted" / other / A / f"{A}.ipynb"),
                f"the lecturer's feedback for {other}": str(lecturer.course / "feedback" / other / A / f"{A}.html"),
            }
            own = str(fetched[name][0]) if fetched[name] else "(none fetched)"
            got = asyncio.run(students[name].attempts({**tries, "own feedback": own}))
            check(f"{name}'s kernel: reads their own feedback", got.pop("own feedback", None) == "OK", own)
            check(f"{name}'s kernel: each of {len(tries)} reads of another's feedback, notebook, cache, the exchange's listings and the lecturer's files fails with EACCES",
                  got == {k: "EACCES" for k in tries}, got)
        times["kernels"] = time.time() - t0
    finally:
        t0 = time.time()
        if hub.proc is not None and not all(results):
            print("---- last lines of the hub's log:\n" + hub.log_tail(40))
        left = hub.stop()
        check("everything the test started has stopped (hub, proxy, servers, kernels)", not left, [p.pid for p in left])
        hub.remove()
        lecturer.remove()
        for name in kinds:  # the accounts the hub made for the students
            account_cmd(["userdel", name])
        times["stop"] = time.time() - t0
        times["total"] = time.time() - t_start
        print("  times: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()), flush=True)


if __name__ == "__main__":
    if os.getuid() != 0:  # the hub makes Unix accounts only when run as root (CI does; so does a class server)
        print("SKIPPED: nbgrader across the students' Unix accounts needs root (useradd, the hub's accounts); CI runs as "
              "root, so CI always runs this (sudo .venv/bin/python test/hub/nbgrader_test.py)\nnbgrader-hub: 0 passed, 0 failed")
        sys.exit(0)
    run_test(main, "nbgrader-hub")
