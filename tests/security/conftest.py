"""Hostile-input tests reuse the course, quiz and H5P builders of the other test packages."""

import pytest

from tests.courses.conftest import catalog  # noqa: F401


@pytest.fixture(autouse=True)
def source_language_strings(settings):
    """Messages are asserted in their source (English) wording; without the catalogue gettext returns them as is."""
    settings.LOCALE_PATHS = []


@pytest.fixture(autouse=True)
def private_roots(settings, tmp_path):
    """Uploads and extracted packages land in this test's own folders, so "nothing stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.H5P_ROOT = tmp_path / "h5p"
    return tmp_path


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []
