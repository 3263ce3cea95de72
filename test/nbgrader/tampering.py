"""A student who types code to get points without answering (docs/grading.md, "不正への備え"): one submission of 04
whose answer cells try, each, a way around the checkers, graded by npm run grade's script with the others in
test/nbgrader/autograde.py (it loads the CNN trained for the blank submission, so nothing is trained again).

  演習1  (check as any).ex1 = () => console.log("演習1: ✔ 正解")                  issue 22's first attack
  演習2  the solution's answer                                                  keeps its point
  演習3  delete process.env.NBGRADER_EXECUTION (blank answer)                    issue 22's second attack
  演習4  console.log replaced: every "演習N: …" line printed as "演習N: ✔ 正解"
  演習5  `check` declared again: its ex5 prints ✔ to process.stdout and forges a verdict record (tslab display.raw)
  演習6  tf.Tensor.prototype.dataSync redefined (blank answer)
  演習7  the solution's answer (checked while console.log is still replaced)   keeps its point
  演習8  require's cache emptied of the checkers, a fresh unfrozen copy loaded, its ex8 wrapped so that the
         autograder's error is thrown away and ✔ printed; process.on("uncaughtException") swallows the rest
Each attack ends with 0 points for its exercise and a 要確認 line naming its answer cell; 演習5 and 演習8 get a point
from nbgrader itself (their check cells pass) that the verification sets to 0. Total 2 / 8.
Alone (after autograde.py has run once, for its trained CNN): .venv/bin/python test/nbgrader/tampering.py
"""
import json
import os
import shutil
import sys

STUDENT_ID = "tamper"
WANT = {f"ex{n}": (1 if n in (2, 7) else 0) for n in range(1, 9)}
ATTACKED = ["ex1", "ex3", "ex4", "ex5", "ex6", "ex8"]
ZEROED = ["ex5", "ex8"]  # nbgrader's own score was 1: the check cell passed without the real checker's ✔

ATTACKS = {
    1: '(check as any).ex1 = () => console.log("演習1: ✔ 正解");',
    3: "delete process.env.NBGRADER_EXECUTION;",
    4: "const log0 = console.log;\n"
       'console.log = (...a: unknown[]) => log0(...a.map((x) => String(x).replace(/^演習(\\d+): .*/, "演習$1: ✔ 正解")));',
    5: "const check = {\n"
       '  ...require("lecture3").check,\n'
       "  ex5: (_: unknown) => {\n"
       '    (require("tslab").display as any).raw("application/vnd.lecture3.verdict+json", { v: 1, exercise: 5, status: "correct", seq: 5, mac: "0".repeat(64) });\n'
       '    process.stdout.write("演習5: ✔ 正解\\n");\n'
       "  },\n"
       "};",
    6: "const dataSync0 = tf.Tensor.prototype.dataSync;\n"
       "(tf.Tensor.prototype as any).dataSync = function (this: tf.Tensor) { return dataSync0.call(this); };",
    8: 'for (const k of Object.keys(require.cache)) if (/[\\\\/]dist[\\\\/]core[\\\\/]exercises[\\\\/]/.test(k)) delete require.cache[k];\n'
       'const fresh = require(require.resolve("lecture3").replace(/index\\.js$/, "core/exercises/index.js")).check;\n'
       "const check = { ...fresh, ex8: (a: unknown) => { try { fresh.ex8(a); } catch { /* thrown away */ } console.log(\"演習8: ✔ 正解\"); } };\n"
       'process.on("uncaughtException", () => {});',
}


def answers(student_cells, answer):
    """The answer cells of the tampering submission: the students' template plus an attack, or the solution."""
    out = {}
    for n in range(1, 9):
        gid = f"ex{n}_answer"
        out[gid] = answer(n) if n in (2, 7) else student_cells[gid] + "\n" + ATTACKS[n]
    return out


def verify_report(course, a):
    p = os.path.join(course, "autograded", STUDENT_ID, a, "lecture3-verify.json")
    with open(p, encoding="utf8") as f:
        return json.load(f)


def assert_all(check, course, a, table, fb_lines, fb_html):
    """The tampering submission's scores, verification report, feedback and table line."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), course_id="lecture3") as gb:
        try:
            sub = gb.find_submission_notebook(a, a, STUDENT_ID)
            got = {g.name: g.score for g in sub.grades}
            auto = {g.name: g.auto_score for g in sub.grades}
        except Exception as e:  # noqa: BLE001 (reported as a failed check)
            got, auto = repr(e), {}
    check(f"tamper: 2 / 8, every attacked exercise 0, the two solved ones 1 {WANT}", got == WANT, got)
    check(f"tamper: nbgrader alone gave a point to {ZEROED} (their check cells passed), the verification set it to 0",
          [g for g in ATTACKED if auto.get(g)] == ZEROED, auto)
    try:
        rep = verify_report(course, a)
    except (OSError, ValueError) as e:
        check("tamper: scripts/grade_verify.py wrote its report", False, repr(e))
        return
    flagged = {f[0] for f in rep["flags"]}
    for g in ATTACKED:
        check(f"tamper: {g}'s attack is flagged 要確認 (its answer cell {g}_answer)", f"{g}_answer" in flagged,
              [f for f in rep["flags"] if f[0].startswith(g)])
    check("tamper: the solved 演習2 and 演習7 carry no 要確認 line and their signed ✔ holds",
          not (flagged & {"ex2", "ex2_answer", "ex7", "ex7_answer"}) and rep["cells"]["ex2"]["ok"] and rep["cells"]["ex7"]["ok"], rep)
    check("tamper: the forged verdict record of 演習5 is caught (wrong signature)", rep["cells"]["ex5"]["forged"] >= 1, rep["cells"]["ex5"])
    printed = [n for n in range(1, 9) if fb_lines.get(n, "").startswith("✔")]
    check(f"tamper: the feedback still shows the printed ✔ lines ({printed}) but the total 2 / 8",
          "Score: 2.0 / 8.0" in fb_html and set(printed) > {2, 7}, (printed, "Score: 2.0 / 8.0" in fb_html))
    import re
    row = re.search(rf"^{STUDENT_ID} .*$", table, re.M)
    check("the score table: tamper 2 / 8 with its number of 要確認 lines, listed under the table",
          row is not None and re.search(r"2 / 8\s+\d+$", row[0]) and f"{STUDENT_ID}  ex1_answer" in table, table)


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import autograde as ag

    models = os.path.join(ag.COURSE, "autograded", "blank", ag.A, "models")
    if not os.path.exists(os.path.join(models, "cnn.json")):
        print(f"no trained CNN in {models}: run test/nbgrader/autograde.py first")
        return 1
    folder = os.path.join(ag.WORK, "third")
    shutil.rmtree(folder, ignore_errors=True)
    student_cells = {ag.grade_id(c): ag.src(c) for c in ag.STUDENT["cells"] if ag.grade_id(c)}
    ag.submission(os.path.join(folder, STUDENT_ID), answers(student_cells, ag.answer), reuse_model=True)
    shutil.copytree(models, os.path.join(folder, STUDENT_ID, "models"))
    rc, out, sec = ag.grade(folder)
    ag.check(f"npm run grade's script grades the tampering submission (exit status 0, {sec:.0f} s)", rc == 0, f"exit status {rc}")
    assert_all(ag.check, ag.COURSE, ag.A, out.split("scores recorded by nbgrader")[-1], ag.lines_of(ag.feedback(STUDENT_ID)), ag.feedback(STUDENT_ID))
    passed = sum(ag.results)
    print(f"tampering: {passed} passed, {len(ag.results) - passed} failed")
    return 0 if passed == len(ag.results) else 1


if __name__ == "__main__":
    sys.exit(main())
