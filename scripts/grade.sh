#!/usr/bin/env bash
# npm run grade -- <assignment> <folder>: grades the students' notebooks in <folder> with nbgrader (docs/grading.md).
#   <assignment>  04_mnist_conv or 08_deep_networks (a folder of course/source/)
#   <folder>      one submission per student: <folder>/<student_id>.ipynb, or a folder <folder>/<student_id>/ holding
#                 <assignment>.ipynb (and any files it needs, e.g. models/)
# Steps, all in course/ (nbgrader_config.py): generate_assignment (records the locked check cells and their points in
# course/gradebook.db), each submission copied to course/submitted/<student_id>/<assignment>/, autograde through
# scripts/grade_verify.py (runs the whole notebook under tslab; a check that is not ✔ fails its cell and scores 0; a
# point without the checker's verdict signed with the run's key is set to 0; lines that touch the checkers are listed
# as 要確認), generate_feedback (HTML with every line the checks printed, in course/feedback/<student_id>/<assignment>/),
# then one table of the scores with a 要確認 column.
# LECTURE3_COURSE=<folder> grades in another copy of course/ (the test does, in artifacts/); it must be inside the
# project folder, or the notebooks do not find the "lecture3" library.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
course=${LECTURE3_COURSE:-$root/course}
if [ $# -ne 2 ] || [ ! -d "$course/source/${1:-none}" ] || [ ! -d "$2" ]; then
  echo "使い方: npm run grade -- <課題> <提出フォルダ>  (課題: $(ls "$course/source" | tr '\n' ' '))" >&2
  echo "usage: npm run grade -- <assignment> <folder with <student_id>.ipynb or <student_id>/<assignment>.ipynb>" >&2
  exit 2
fi
a=$1
folder=$(cd "$2" && pwd)
source "$root/scripts/env.sh"
cd "$course"
nbgrader generate_assignment "$a" --force --log-level=ERROR
students=()
shopt -s nullglob
for f in "$folder"/*; do
  if [ -f "$f" ] && [[ "$f" == *.ipynb ]]; then s=$(basename "$f" .ipynb)
  elif [ -f "$f/$a.ipynb" ]; then s=$(basename "$f")
  else echo "skipped $f: not <student_id>.ipynb nor <student_id>/$a.ipynb" >&2; continue
  fi
  rm -rf "submitted/$s/$a"
  mkdir -p "submitted/$s/$a"
  if [ -f "$f" ]; then cp "$f" "submitted/$s/$a/$a.ipynb"; else cp -R "$f/." "submitted/$s/$a/"; fi
  students+=("$s")
done
[ ${#students[@]} -gt 0 ] || { echo "no submissions in $folder" >&2; exit 1; }
graded=()
for s in "${students[@]}"; do
  echo "--- $s: autograde (runs the whole notebook) ..."
  t0=$(date +%s)
  if python "$root/scripts/grade_verify.py" autograde "$a" "$s" --log-level=WARN && nbgrader generate_feedback "$a" --student "$s" --force --log-level=WARN; then
    echo "    $(( $(date +%s) - t0 )) s, feedback: $course/feedback/$s/$a/$a.html"
    graded+=("$s")
  else
    echo "✘ $s: nbgrader could not grade this submission (its messages are above); the others are graded" >&2
  fi
done
[ ${#graded[@]} -gt 0 ] && python "$root/scripts/grade_table.py" "$course" "$a" "${graded[@]}"
[ ${#graded[@]} -eq ${#students[@]} ]
