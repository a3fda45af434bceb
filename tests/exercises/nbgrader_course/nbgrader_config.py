# Sample nbgrader course for tests/test_nbgrader.py.  The test copies this folder
# to a temp dir and runs nbgrader there (cwd = the copy), so every path is relative
# to the working directory and nothing outside the copy is touched.
import os

c = get_config()  # noqa: F821 (provided by nbgrader's config loader)
c.CourseDirectory.root = os.getcwd()
c.CourseDirectory.course_id = "autograd101"
c.Exchange.root = os.path.join(os.getcwd(), "exchange")
c.ExecutePreprocessor.timeout = 120
