# nbgrader in a student's server on the class hub (hub/jupyterhub_config.py puts this folder on JUPYTER_CONFIG_PATH):
# the Assignments tab lists what the lecturer released into the hub's exchange for this course.
import os

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = os.environ.get("LECTURE3_COURSE_ID", "lecture3")
c.Exchange.root = os.environ.get("LECTURE3_NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
