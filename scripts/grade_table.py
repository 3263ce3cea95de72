"""The scores nbgrader recorded in course/gradebook.db: one row per student, one column per check cell.
python scripts/grade_table.py <course folder> <assignment> <student_id>...   (run by scripts/grade.sh)"""
import json
import os
import re
import sys

from nbgrader.api import Gradebook

course, assignment, students = sys.argv[1], sys.argv[2], sys.argv[3:]
natural = lambda s: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), course_id="lecture3") as gb:
    nb = gb.find_assignment(assignment).notebooks[0]
    cells = sorted((c.name for c in nb.grade_cells), key=natural)
    head = ["student", *(re.sub(r"^ex", "演習", c) for c in cells), "score", "要確認"]
    rows, flags = [], []
    for s in students:
        sub = gb.find_submission_notebook(nb.name, assignment, s)
        got = {g.name: g.score for g in sub.grades}
        # scripts/grade_verify.py's report: what it zeroed and what the lecturer should read
        try:
            with open(os.path.join(course, "autograded", s, assignment, "lecture3-verify.json"), encoding="utf8") as f:
                found = json.load(f)["flags"]
        except (OSError, ValueError, KeyError):
            found = [["-", "採点", "検証の記録がありません (scripts/grade_verify.py を通さずに採点されました)"]]
        flags += [(s, *f) for f in found]
        rows.append([s, *(f"{got[c]:g}" for c in cells), f"{sub.score:g} / {sub.max_score:g}", str(len(found)) if found else "-"])
width = lambda s: sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s)  # CJK characters take two columns
widths = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
print(f"\n{assignment}: scores recorded by nbgrader ({os.path.join(course, 'gradebook.db')})")
for r in [head, *rows]:
    print("  ".join(x + " " * (w - width(x)) for x, w in zip(r, widths)).rstrip())
if flags:
    print("\n要確認 (the lecturer should read these lines of the submissions; 採点 = points set to 0 by the verification):")
    for s, where, what, line in flags:
        print(f"  {s}  {where}  [{what}]  {line}")
