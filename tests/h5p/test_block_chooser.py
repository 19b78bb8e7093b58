"""The H5P activity block's package chooser speaks the editor's language at every rendering."""

import pytest
from django.utils import translation

from h5p.blocks import H5PActivityBlock

pytestmark = pytest.mark.django_db


def test_the_chooser_button_follows_the_active_language():
    widget = H5PActivityBlock().child_blocks["package"].widget
    rendered = {}
    for language in ("es", "en", "es"):  # the block keeps one widget for the whole process
        with translation.override(language):
            rendered[language] = widget.render_html("package", None, {"id": "id_package"})
    assert "Seleccionar " in rendered["es"] and "Choose " not in rendered["es"]
    assert "Choose H5P package" in rendered["en"] and "Seleccionar" not in rendered["en"]
