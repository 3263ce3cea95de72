# nbgrader in a student's server on the class hub (hub/jupyterhub_config.py puts this folder on JUPYTER_CONFIG_PATH):
# the Assignments tab lists what the lecturer released into the hub's exchange for this course, fetches it into the
# student's folder, submits it and fetches the feedback (docs/grading.md, "On the class hub").
# The exchange is nbgrader's shared folder on one machine: its root is 1777 (hub/jupyterhub_config.py); the course's
# outbound (0755), inbound (2733: students drop submissions in, cannot list it) and feedback (0711) belong to the
# lecturer's grading account, which made them with release_assignment / release_feedback. nbgrader names a student
# by their Unix account (one per student on the hub, hub/accounts.py) and keeps their submissions' secrets in
# ~/.local/share/jupyter/nbgrader_cache, inside their 0700 home: only they can find their feedback.
import os

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = os.environ.get("LECTURE3_COURSE_ID", "lecture3")
c.Exchange.root = os.environ.get("LECTURE3_NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
