import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize(
    ("path", "lang", "lead"),
    [
        ("/", "es", "Formación y seminarios"),
        ("/en/", "en", "Training and seminars"),
        ("/fr/", "fr", "Formations et séminaires"),
    ],
)
def test_home_in_each_language(client, demo, path, lang, lead):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert lead in html


def test_spanish_is_default_even_for_english_browsers(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="es">' in html


def test_language_switcher_links_to_translations(client, demo):
    html = client.get("/en/").content.decode()
    assert 'hreflang="es"' in html and 'href="/"' in html
    assert 'href="/fr/"' in html
    assert 'aria-current="true"' in html


def test_switcher_on_non_page_views_uses_translated_url(client, demo):
    html = client.get("/fr/accounts/login/").content.decode()
    assert '<html lang="fr">' in html
    assert 'href="/en/accounts/login/"' in html and 'href="/accounts/login/"' in html


def test_header_shows_login_state(client, demo, learner):
    html = client.get("/").content.decode()
    assert "/accounts/login/" in html
    client.force_login(learner)
    html = client.get("/en/").content.decode()
    assert learner.full_name in html
    assert "Sign out" in html


def test_action_plan_lines_listed_in_visitor_language(client, demo):
    assert "Capacitación" in client.get("/").content.decode()
    assert "Formation" in client.get("/fr/").content.decode()


def test_seed_demo_is_idempotent(demo):
    from wagtail.models import Page

    from accounts.models import User

    pages, users = Page.objects.count(), User.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Page.objects.count(), User.objects.count()) == (pages, users)
    assert users == 5


def test_seed_demo_users_have_their_roles(demo):
    from accounts.models import User

    focal = User.objects.get(email="enlace.mx@demo.campus-crm.org")
    assert focal.is_focal_point and focal.focal_point_country.code == "MX"
    assert User.objects.get(email="formadora@demo.campus-crm.org").is_trainer
    assert User.objects.get(email="secretaria@demo.campus-crm.org").is_secretariat


def test_seed_demo_refuses_production(settings):
    from django.core.management.base import CommandError

    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError):
        call_command("seed_demo")
