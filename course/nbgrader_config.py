# nbgrader's configuration for this lecture's course folder (run nbgrader from course/, or through
# npm run student / npm run grade, which do). Layout (nbgrader's default):
#   source/<assignment>/<assignment>.ipynb   links to notebooks/solutions/ (the one source of truth)
#   release/, submitted/, autograded/, feedback/, gradebook.db   made by nbgrader (git-ignored)
# The notebooks run under the tslab TypeScript kernel; its solution delimiters are TypeScript comments
# (// BEGIN SOLUTION ... // END SOLUTION), and the stub that replaces them is a comment: each answer cell keeps
# its template (the variable exN with undefined fields, outside the region), so the check cell after it says 未解答.
import os
import warnings

from sqlalchemy.exc import SAWarning

# nbgrader 0.9.6's gradebook code makes SQLAlchemy warn "... not in session, add operation along ... will not
# proceed" several times per autograde; the scores are recorded all the same (test/nbgrader/autograde.py reads them).
warnings.filterwarnings("ignore", category=SAWarning)

c = get_config()  # noqa: F821 (traitlets' config loader defines it)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "lecture3"

c.ClearSolutions.code_stub = {
    "typescript": "// ここに答えを書いてください (YOUR CODE HERE)。上の答えの変数 (undefined や空の配列 []) に答えを入れるか、ここで計算して入れます",
}
# Lines only the solution notebook needs (its note "これは解答版です", the line that runs it from notebooks/,
# the one that reuses the students' saved CNN) sit between "BEGIN HIDDEN" and "END HIDDEN" comments, in any
# cell: nbgrader's hidden-test remover drops them from the students' version and nothing puts them back.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN"
c.ClearHiddenTests.enforce_metadata = False

# Autograding runs the whole notebook: 04 trains a CNN for about a minute in one cell (several on a slow machine).
c.Execute.timeout = 1800
c.Execute.iopub_timeout = 60
