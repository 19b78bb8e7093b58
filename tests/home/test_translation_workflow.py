"""Pages are translated with wagtail-localize from the Wagtail admin."""

import pytest
from wagtail.models import Locale, Page

from home.models import HomePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_page_submitted_for_translation_gets_language_copies(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    spanish = HomePage.objects.get(locale__language_code="es")
    english, french = Locale.objects.get(language_code="en"), Locale.objects.get(language_code="fr")

    response = client.post(f"/admin/localize/submit/page/{spanish.pk}/", {"locales": [english.pk, french.pk]})
    assert response.status_code == 302

    copies = Page.objects.filter(translation_key=spanish.translation_key).exclude(pk=spanish.pk)
    assert {page.locale.language_code for page in copies} == {"en", "fr"}
    # One page identity across languages: the same translation_key, and each copy knows its source.
    assert all(page.get_translation(Locale.objects.get(language_code="es")).pk == spanish.pk for page in copies)
