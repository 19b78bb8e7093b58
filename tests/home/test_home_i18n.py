import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    """The demo's home pages and users (the full seed, courses included, is exercised by the seed tests)."""
    from core.management.commands.seed_demo import Command

    command = Command(stdout=open("/dev/null", "w"))
    command.seed_home()
    command.seed_users(command.seed_institutions())


@pytest.fixture
def full_demo(db):
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


def test_seed_demo_is_idempotent(full_demo):
    from wagtail.models import Page, Revision

    from accounts.models import User

    before = Page.objects.count(), User.objects.count(), Revision.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Page.objects.count(), User.objects.count(), Revision.objects.count()) == before
    # one per role, the administrator, six more officials, and 14 per member state with past enrolments for the
    # capacity metrics (metrics/demo.py)
    assert before[1] == 11 + 14 * 11
    # The dashboard's stored figures are there and agree with a live count.
    from metrics import snapshot

    assert snapshot.stored_rows(snapshot.Scope(), snapshot.Filters(), ()) is not None
    assert snapshot.verify([snapshot.Period("all")]) == []


def test_seed_demo_catalogue(client, full_demo):
    from courses.models import CoursePage

    assert CoursePage.objects.filter(locale__language_code="es").count() >= 5
    spanish = client.get("/cursos/").content.decode()
    assert "Identificación de víctimas de trata de personas en fronteras" in spanish
    assert "Coordinación de la Red de Protección Consular" not in spanish  # restricted to the network
    english = client.get("/en/courses/").content.decode()
    assert "Only available in Spanish" in english
    assert "Disponible uniquement en espagnol" in client.get("/fr/cours/").content.decode()


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


def test_seed_demo_enrolments_in_every_stage(full_demo):
    from enrolments.models import Enrollment

    statuses = set(Enrollment.objects.values_list("status", flat=True))
    assert {"pending", "active", "completed"} <= statuses
    assert Enrollment.objects.values("country").distinct().count() >= 5


def test_seed_demo_final_assessment(client, full_demo):
    """The demo trafficking course ends with a server-graded final assessment; its completers passed it."""
    from accounts.models import User
    from courses.models import LessonPage
    from enrolments.models import Enrollment
    from enrolments.progress import final_assessment_passed

    final = LessonPage.objects.get(final_assessment=True, locale__language_code="es")
    assert final.has_assessment
    client.force_login(User.objects.get(email="oficial@demo.campus-crm.org"))
    html = client.get(final.url).content.decode()
    assert "Evaluación final" in html and "Acción, medios y fin de explotación" in html
    assert "correct" not in html.lower()  # no answer key in the page
    assert "Eso describe más bien" not in html  # nor the feedback that would give it away
    completed = Enrollment.objects.filter(course=final.course, status=Enrollment.Status.COMPLETED)
    assert completed.exists() and all(final_assessment_passed(e) for e in completed)
