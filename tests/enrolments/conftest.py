from tests.courses.conftest import catalog, course_factory  # noqa: F401
