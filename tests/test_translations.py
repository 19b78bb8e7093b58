"""Every interface string has Spanish and French translations, and the catalogues compile."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_catalogue_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 50
    assert catalogue.untranslated_entries() == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_english_catalogue_committed():
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.po").exists()


def test_compiled_catalogues_are_used():
    with translation.override("es"):
        assert translation.gettext("Skip to main content") == "Saltar al contenido principal"
    with translation.override("fr"):
        assert translation.gettext("Skip to main content") == "Aller au contenu principal"
