"""nbgrader grades the 04 exercises: three submissions go through npm run grade's script (scripts/grade.sh) in a copy
of course/ under artifacts/nbgrader/, with the real tslab kernel, MNIST and CNN. Run by scripts/test.sh:

    .venv/bin/python test/nbgrader/autograde.py

  blank    the students' notebook as nbgrader generated it (notebooks/04_mnist_conv.ipynb): trains the CNN, every
           check 未解答, 0 / 8
  mix      演習1 and 演習7 the solution's, 演習2 a wrong statement number, 演習6 a wrong Gabor filter (sin for cos),
           the rest left blank: 2 / 8
  tamper   test/nbgrader/tampering.py: each answer cell tries a way around the checkers (two solved): 2 / 8, and
           every attack 0 points and a 要確認 line
The correct submission (every answer cell the solution's, 8 / 8, every exercise's training run) is graded by
test/hub/nbgrader_test.py (nbgalice) through the same scripts/grade_verify.py, as the lecturer's account of the class hub:
graded here as well, npm test would run its eight exercises' trainings a second time to test the same script on the
same notebook.
The blank one is graded first; the other two load the CNN it trained (reuse_saved_model = true, as a student may set
it, with models/ in their submission folder), so the CNN is trained once. In npm test the blank one loads it too: step 4
(scripts/run-notebooks.js) has just executed the same students' notebook, training included, under the same executor
and per-cell timeout, and left the CNN in notebooks/models/; it is used when the executed copy in artifacts/notebooks/
says it trained exactly that one (its reported test accuracies are those of models/cnn_history.json), so npm test
trains it once instead of twice. Run alone, the blank submission trains it as before. Asserts the scores nbgrader recorded in the
gradebook, cell by cell, and that the feedback HTML shows each exercise's line, the hints of the wrong ones included.
Ends with "nbgrader: N passed, M failed".
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time

from nbgrader.api import Gradebook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tampering  # noqa: E402 (test/nbgrader/tampering.py: the tampering submission and its checks)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "artifacts", "nbgrader")
COURSE = os.path.join(WORK, "course")
A = "04_mnist_conv"
EXERCISES = [f"ex{n}" for n in range(1, 9)]
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(f"  {'✔' if ok else '✘'} {name}" + ("" if ok else f": {detail}"))


def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf8") as f:
        return json.load(f)


def src(cell):
    return "".join(cell["source"])


def grade_id(cell):
    return cell["metadata"].get("nbgrader", {}).get("grade_id")


STUDENT = load(f"notebooks/{A}.ipynb")
SOLUTION = {grade_id(c): src(c) for c in load(f"notebooks/solutions/{A}.ipynb")["cells"] if grade_id(c)}


def answer(n, wrong=None):
    """The solution's answer cell of exercise n without its delimiter lines; wrong = (old, new) edits it."""
    s = "\n".join(l for l in SOLUTION[f"ex{n}_answer"].split("\n") if not re.search(r"(BEGIN|END) SOLUTION", l))
    if wrong:
        assert s.count(wrong[0]) == 1, f"演習{n}: {wrong[0]!r} is not in the solution once"
        s = s.replace(*wrong)
    return s


def submission(folder, answers, reuse_model):
    nb = copy.deepcopy(STUDENT)
    for c in nb["cells"]:
        if grade_id(c) in answers:
            c["source"] = answers[grade_id(c)]
        if reuse_model and "let reuse_saved_model = false;" in src(c):
            c["source"] = src(c).replace("let reuse_saved_model = false;", "let reuse_saved_model = true;")
            reuse_model = "done"
    assert reuse_model in (False, "done"), "the students' 04 has no line 'let reuse_saved_model = false;'"
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{A}.ipynb"), "w", encoding="utf8") as f:
        json.dump(nb, f, ensure_ascii=False, indent=1)


def step4_models():
    """notebooks/models/ when step 4 of npm test trained its CNN: the executed students' 04 (artifacts/notebooks/) is newer
    than the notebook, reports cnn_trained, and its per-epoch test accuracies are those of models/cnn_history.json.
    None otherwise (run alone, or after another run of the notebook)."""
    executed = os.path.join(ROOT, "artifacts", "notebooks", f"{A}.ipynb")
    models = os.path.join(ROOT, "notebooks", "models")
    if not all(os.path.isfile(p) for p in (executed, os.path.join(models, "cnn.json"), os.path.join(models, "cnn_history.json"))):
        return None
    if os.path.getmtime(executed) < os.path.getmtime(os.path.join(ROOT, "notebooks", f"{A}.ipynb")):
        return None
    reported = {}
    for cell in load(executed)["cells"]:
        for o in cell.get("outputs", []):
            reported.update(o.get("data", {}).get("application/vnd.lecture3.report+json", {}))
    with open(os.path.join(models, "cnn_history.json"), encoding="utf8") as f:
        epochs = [e["test_acc"] for e in json.load(f)["epochs"]]
    return models if reported.get("cnn_trained") is True and reported.get("cnn_epoch_test_acc") == epochs else None


def grade(subs):
    t0 = time.time()
    env = {**os.environ, "LECTURE3_COURSE": COURSE}
    env.pop("NBGRADER_EXECUTION", None)
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "grade.sh"), A, subs], env=env, text=True, capture_output=True)
    print(r.stdout + r.stderr)
    return r.returncode, r.stdout, time.time() - t0


def feedback(student):
    p = os.path.join(COURSE, "feedback", student, A, f"{A}.html")
    return open(p, encoding="utf8").read() if os.path.exists(p) else ""


def lines_of(html):
    """The checkers' lines in a feedback HTML: {n: "✔ …" / "✘ …" / "未解答 …"} (HTML entities decoded)."""
    import html as h
    return {int(m[0]): h.unescape(m[1]).strip() for m in re.findall(r"演習(\d+): ((?:✔|✘|未解答)[^\n<]*)", html)}


def main():
    t00 = time.time()
    shutil.rmtree(WORK, ignore_errors=True)
    # a copy of course/ with the solution notebooks themselves (not links), and none of a lecturer's gradebook
    shutil.copytree(os.path.join(ROOT, "course"), COURSE, ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback", "gradebook.db"))

    trained = step4_models()
    submission(os.path.join(WORK, "first", "blank"), {}, reuse_model=bool(trained))
    if trained:
        print(f"  the CNN of 04: step 4 trained it ({os.path.relpath(trained, ROOT)}, as artifacts/notebooks/{A}.ipynb reports); the blank submission loads it too", flush=True)
        shutil.copytree(trained, os.path.join(WORK, "first", "blank", "models"), ignore=lambda d, names: [n for n in names if not n.startswith("cnn.") and not n.startswith("cnn_history.")])
    rc, out, sec1 = grade(os.path.join(WORK, "first"))
    check(f"npm run grade's script grades the blank submission (exit status 0, {sec1:.0f} s)", rc == 0, f"exit status {rc}")
    models = os.path.join(COURSE, "autograded", "blank", A, "models")
    graded = os.path.join(COURSE, "autograded", "blank", A, f"{A}.ipynb")
    said = "".join("".join(o.get("text", "")) for c in (load(graded)["cells"] if os.path.exists(graded) else []) for o in c.get("outputs", []))
    if trained:
        check("autograde ran the blank notebook to the end with step 4's CNN: it loaded models/cnn.json (said so) and evaluated it",
              "保存済みのモデル models/cnn.json を読み込みました" in said and "CNN のテスト正解率 = " in said, said[-300:])
    else:
        check("autograde ran the blank notebook to the end: it trained the CNN and saved models/cnn.json", os.path.exists(os.path.join(models, "cnn.json")))

    mix = {"ex1_answer": answer(1), "ex7_answer": answer(7), "ex2_answer": answer(2, ("statement: 2", "statement: 1")),
           "ex6_answer": answer(6, ("* Math.cos((2 * Math.PI * xr)", "* Math.sin((2 * Math.PI * xr)"))}
    submission(os.path.join(WORK, "second", "mix"), mix, reuse_model=True)
    student_cells = {grade_id(c): src(c) for c in STUDENT["cells"] if grade_id(c)}
    submission(os.path.join(WORK, "second", tampering.STUDENT_ID), tampering.answers(student_cells, answer), reuse_model=True)
    for s in ("mix", tampering.STUDENT_ID):
        if os.path.isdir(models):
            shutil.copytree(models, os.path.join(WORK, "second", s, "models"))
    rc, out2, sec2 = grade(os.path.join(WORK, "second"))
    check(f"npm run grade's script grades the mixed and the tampering submission (exit status 0, {sec2:.0f} s)", rc == 0, f"exit status {rc}")

    want = {"blank": {e: 0 for e in EXERCISES},
            "mix": {e: (1 if e in ("ex1", "ex7") else 0) for e in EXERCISES}}
    with Gradebook("sqlite:///" + os.path.join(COURSE, "gradebook.db"), course_id="lecture3") as gb:
        nb = gb.find_notebook(A, A)
        points = {c.name: c.max_score for c in nb.grade_cells}
        check("the gradebook has the eight locked check cells ex1..ex8, 1 point each", points == {e: 1 for e in EXERCISES}, points)
        for s, scores in want.items():
            try:
                sub = gb.find_submission_notebook(A, A, s)
                got = {g.name: g.score for g in sub.grades}
                total = (sub.score, sub.max_score)
            except Exception as e:  # noqa: BLE001 (reported as a failed check)
                got, total = repr(e), None
            check(f"{s}: nbgrader recorded {sum(scores.values())} / 8, cell by cell {scores}", got == scores and total == (sum(scores.values()), 8), f"{got}, total {total}")

    fb = {s: lines_of(feedback(s)) for s in want}
    check("blank: the feedback shows 未解答 for 演習1〜8", all(fb["blank"].get(n, "").startswith("未解答") for n in range(1, 9)), fb["blank"])
    m = fb["mix"]
    ok = m.get(1, "").startswith("✔") and m.get(7, "").startswith("✔") and all(m.get(n, "").startswith("未解答") for n in (3, 4, 5, 8))
    check("mix: the feedback shows ✔ for 演習1 and 7, 未解答 for 3, 4, 5, 8", ok, m)
    for n, about in ((2, "statement 1 は逆です"), (6, "sin ではなく cos")):
        line = m.get(n, "")
        check(f"mix: the feedback names 演習{n} as wrong with its hint (about {about}): {line[:80]}", line.startswith("✘ ") and about in line, line)
    html = feedback("mix")
    failed = sorted(int(n) for n in re.findall(r"演習(\d+) は ✔ ではないので 0 点です", html))
    check("mix: the cells of the six checks that are not ✔ end with the autograder's error line, 演習1 and 7 do not", failed == [2, 3, 4, 5, 6, 8], failed)
    fb_scores = re.findall(r"Score: ([\d.]+) / ([\d.]+)\)", html)
    want_fb = [("2.0", "8.0")] + [("1.0" if n in (1, 7) else "0.0", "1.0") for n in range(1, 9)]
    check("mix: the feedback shows the total 2 / 8, then each check cell's points in order", fb_scores == want_fb, fb_scores)
    table = out2.split("scores recorded by nbgrader")[-1]
    check("the script prints the score table: mix 2 / 8, without a 要確認 line", re.search(r"^mix .* 2 / 8 +-$", table, re.M), table)
    check("the blank submission has no 要確認 line either", re.search(r"^blank .* 0 / 8 +-$", out.split("scores recorded by nbgrader")[-1], re.M), out)
    tampering.assert_all(check, COURSE, A, table, lines_of(feedback(tampering.STUDENT_ID)), feedback(tampering.STUDENT_ID))
    print(f"  time: {time.time() - t00:.0f} s (blank {sec1:.0f} s, mix + tamper {sec2:.0f} s)")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 (a crash is one failure, reported)
        check("the test ran to the end", False, repr(e))
    passed = sum(results)
    print(f"nbgrader: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)
