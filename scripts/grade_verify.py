"""Autogrades one student's submission with nbgrader and keeps only the points the lecture's own checkers gave
(docs/grading.md, "不正への備え"). Run from a course folder (where nbgrader_config.py is), as nbgrader is:

    python scripts/grade_verify.py autograde <assignment> <student_id> [more nbgrader autograde options]

It replaces `nbgrader autograde <assignment> --student <student_id> --force` (scripts/grade.sh and the hub's
lecturer flow call it):
  1. 32 random bytes, the key of this run, go to a file (0600) named in LECTURE3_GRADE_KEY_FILE; the tslab kernel's
     preload (scripts/tslab-preload.js) reads it before the first cell, deletes the file and the variable, and signs
     each checker's verdict with it (HMAC-SHA256), emitted as display_data of type application/vnd.lecture3.verdict+json.
  2. nbgrader autograde runs the notebook as usual (a check that is not ✔ fails its cell).
  3. For every check cell ex<N> that nbgrader gave points, the cell's outputs must hold a verdict for 演習N signed
     with this run's key that says "correct", and nothing else for 演習N nor any record with a wrong signature;
     otherwise the cell's points are set to 0 in the gradebook (manual_score 0, so the feedback and the table show 0).
  4. The lines the student wrote (lines of the notebook that are in neither the lecture's source nor its release)
     that touch what the checkers rely on are listed as 要確認 (for the lecturer to read; the points stay).
The result goes to <autograded>/<student>/<assignment>/lecture3-verify.json; scripts/grade_table.py shows it.
"""
import glob
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

MIME = "application/vnd.lecture3.verdict+json"
REPORT = "lecture3-verify.json"

# What a student's own line may do to the grading that no code can stop (it runs in the same process as the
# checkers); such a line is shown to the lecturer as 要確認. (pattern, what it touches)
SUSPICIOUS = [
    (r"\bcheck\b(?!\s*\.\s*(?:ex\d+|summary|results?)\s*\()", "確認関数 check"),
    (r"require\s*\.\s*cache|require\s*\(\s*['\"](?:module|inspector|vm|v8|child_process|worker_threads|lecture3/)|\bmodule\s*\.\s*(?:constructor|children|parent|require)|_load\b|_resolveFilename|\binspector\b|\bchild_process\b|\bworker_threads\b|[\"'](?:node:)?(?:vm|v8|module)[\"']|/proc/|lib/dist", "require のキャッシュ・モジュール・プロセスの内部"),
    (r"\.\s*prototype\b|__proto__|setPrototypeOf|defineProperty|\bReflect\s*\.", "プロトタイプ・オブジェクトの性質"),
    (r"\b(?:tf|Math|JSON|Array|Object|String|Number|Map|Set|Promise|Error|Symbol|crypto|Buffer|console|require|exports)\s*(?:\.\s*[\w$]+|\[[^\]]*\])*\s*=(?![=>])", "組み込み・ライブラリ・console の置き換え"),
    (r"\bconsole\s*\[|\bprocess\b", "console / process / 環境変数"),
    (r"\b(?:globalThis|global)\b|__lecture3", "グローバル・採点の仕組み"),
    (r"\beval\s*\(|\bFunction\s*\(|fromCharCode|\batob\s*\(|\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F{]", "隠したコード (eval, Function, 文字コード)"),
    (r"\btslab\b|display\s*\.\s*raw|vnd\.lecture3", "出力の記録 (tslab の display)"),
]


def course_dir():
    """nbgrader's CourseDirectory as nbgrader itself configures it in the current folder."""
    from nbgrader.apps.baseapp import NbGrader

    app = NbGrader()
    app.initialize([])
    return app.coursedir


def mac(key, exercise, status, seq):
    text = f"lecture3-verdict:v1:{exercise}:{status}:{seq}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def cell_source(cell):
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def verdicts(cell, key):
    """The verdict records in a cell's outputs: (valid [(exercise, status)], number with a wrong signature)."""
    valid, forged = [], 0
    for out in cell.get("outputs", []):
        rec = out.get("data", {}).get(MIME) if out.get("output_type") in ("display_data", "execute_result") else None
        if rec is None:
            continue
        try:
            if isinstance(rec, str):
                rec = json.loads(rec)
            ok = hmac.compare_digest(str(rec["mac"]), mac(key, int(rec["exercise"]), str(rec["status"]), int(rec["seq"])))
        except Exception:  # noqa: BLE001 (anything malformed is a forgery)
            ok = False
        if ok:
            valid.append((int(rec["exercise"]), str(rec["status"])))
        else:
            forged += 1
    return valid, forged


def printed_text(cell):
    return "".join(cell_source({"source": o.get("text", "")}) for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def reference_lines(cd, assignment):
    """Every line of the lecture's own versions of the assignment (source = solutions, release = students')."""
    lines = set()
    for d in (cd.source_directory, cd.release_directory):
        for p in glob.glob(os.path.join(cd.format_path(d, ".", assignment), "*.ipynb")):
            with open(p, encoding="utf8") as f:
                for c in json.load(f)["cells"]:
                    lines.update(l.strip() for l in cell_source(c).split("\n"))
    return lines


def suspicious_lines(nb, ref):
    """[(where, what, line)] for the student's lines that touch what the grading relies on."""
    found = []
    for i, c in enumerate(nb["cells"]):
        meta = c.get("metadata", {}).get("nbgrader", {})
        if c.get("cell_type") != "code" or meta.get("locked"):
            continue  # nbgrader put the lecture's own locked cells back
        where = meta.get("grade_id") or f"セル {i + 1}"
        for line in cell_source(c).split("\n"):
            s = line.strip()
            if not s or s in ref or s.startswith("//"):
                continue  # empty, the lecture's own, or a comment line
            whats = [what for pat, what in SUSPICIOUS if re.search(pat, s)]
            if whats:
                found.append((where, "、".join(whats), s[:160]))
    return found


def verify(cd, assignment, student, key, zeroed_before=()):
    """Checks the autograded notebooks against the run's key, zeroes unsigned points, writes and returns the report."""
    from nbgrader.api import Gradebook

    folder = cd.format_path(cd.autograded_directory, student, assignment)
    ref = reference_lines(cd, assignment)
    report = {"student": student, "assignment": assignment, "zeroed": [], "cells": {}, "flags": []}
    with Gradebook(cd.db_url, course_id=cd.course_id) as gb:
        for path in sorted(glob.glob(os.path.join(folder, "*.ipynb"))):
            name = os.path.splitext(os.path.basename(path))[0]
            with open(path, encoding="utf8") as f:
                nb = json.load(f)
            signed_any = False
            for c in nb["cells"]:
                meta = c.get("metadata", {}).get("nbgrader", {})
                m = re.fullmatch(r"ex(\d+)", str(meta.get("grade_id", "")))
                if c.get("cell_type") != "code" or not meta.get("grade") or not m:
                    continue
                n, gid = int(m[1]), meta["grade_id"]
                valid, forged = verdicts(c, key)
                signed_any = signed_any or bool(valid)
                mine = [s for e, s in valid if e == n]
                ok = bool(mine) and all(s == "correct" for s in mine) and forged == 0
                printed_ok = re.search(rf"演習{n}: ✔", printed_text(c)) is not None
                grade = gb.find_grade(gid, name, assignment, student)
                why = None
                if not ok:
                    why = ("署名の合わない判定記録があります (偽造)" if forged else
                           "確認関数の判定が ✔ ではありません" if mine else "確認関数の署名付きの判定がありません (確認関数が実行されていません)")
                if not ok and (grade.auto_score or 0) > 0:
                    grade.manual_score = 0.0
                    report["zeroed"].append(f"{name}/{gid}")
                elif ok and f"{name}/{gid}" in zeroed_before and grade.manual_score == 0:
                    grade.manual_score = None  # zeroed by an earlier run of this script; this run is signed ✔
                report["cells"][gid] = {"verdicts": mine, "forged": forged, "printed_ok": printed_ok, "ok": ok,
                                        "auto_score": grade.auto_score, "score": grade.score}
                if not ok and (printed_ok or forged or (grade.auto_score or 0) > 0):
                    report["flags"].append([gid, "採点", f"{why}。" + ("✔ と表示されていますが 0 点にしました" if printed_ok or (grade.auto_score or 0) > 0 else "0 点です")])
            if not signed_any and any(c.get("metadata", {}).get("nbgrader", {}).get("grade") for c in nb["cells"]):
                report["flags"].append([name, "採点", "署名付きの判定が一つもありません: 採点の鍵がカーネルに届いていないか、確認関数が置き換えられています"])
            report["flags"] += [list(f) for f in suspicious_lines(nb, ref)]
        gb.db.commit()
    with open(os.path.join(folder, REPORT), "w", encoding="utf8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    return report


def read_report(cd, assignment, student):
    p = os.path.join(cd.format_path(cd.autograded_directory, student, assignment), REPORT)
    try:
        with open(p, encoding="utf8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def autograde(assignment, student, extra=()):
    """nbgrader autograde with this run's key, then verify(); returns nbgrader's exit status."""
    cd = course_dir()
    before = read_report(cd, assignment, student) or {}
    key = secrets.token_bytes(32)
    tmp = tempfile.mkdtemp(prefix="lecture3-grade-")
    keyfile = os.path.join(tmp, "key")
    fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, key)
    os.close(fd)
    env = {**os.environ, "LECTURE3_GRADE_KEY_FILE": keyfile}
    try:
        r = subprocess.run(["nbgrader", "autograde", assignment, "--student", student, "--force", *extra], env=env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if r.returncode != 0:
        return r.returncode
    rep = verify(cd, assignment, student, key, set(before.get("zeroed", [])))
    for gid, what, line in rep["flags"]:
        print(f"    要確認 {student} {gid}: {what}: {line}")
    if rep["zeroed"]:
        print(f"    {student}: 署名付きの ✔ がないので 0 点にしたセル: {', '.join(rep['zeroed'])}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "autograde":
        print("使い方: (コースのフォルダで) python scripts/grade_verify.py autograde <課題> <学籍番号> [nbgrader autograde のオプション]", file=sys.stderr)
        sys.exit(2)
    sys.exit(autograde(sys.argv[2], sys.argv[3], sys.argv[4:]))
