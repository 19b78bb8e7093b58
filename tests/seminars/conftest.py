"""Seminar builders: a Spanish seminar calendar, published seminars with sessions, participants."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from crm.models import ActionPlanLine
from seminars.models import Registration, SeminarIndexPage, SeminarPage, SeminarSession
from tests.courses.conftest import catalog, home, publish  # noqa: F401  (catalog: a fixture for courses)

_slugs = itertools.count(1)


@pytest.fixture(autouse=True)
def english_strings(settings):
    """Assertions read the English source strings (no project catalogue translates them)."""
    settings.LOCALE_PATHS = []


@pytest.fixture(autouse=True)
def certificate_storage(settings, tmp_path):
    """Attendance certificates are rendered under each test's own tmp_path."""
    settings.STORAGES = {**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "certificates"), "base_url": "/certificates-not-served/"},
    }}
    return tmp_path / "certificates"


def seminar_index_build() -> SeminarIndexPage:
    """The Spanish seminar calendar (also for module-scoped fixtures)."""
    return publish(home("es").add_child(instance=SeminarIndexPage(title="Seminarios", slug="seminarios")))


@pytest.fixture
def seminar_index(db) -> SeminarIndexPage:
    return seminar_index_build()


def make_seminar(index: SeminarIndexPage, *, sessions: int = 1, organisers=(), **fields) -> SeminarPage:
    """A live seminar (GT, open, no capacity, in ten days for two days) with `sessions` one-hour sessions."""
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=10))
    n = next(_slugs)
    defaults = {
        "title": f"Seminario regional {n}", "slug": f"seminario-{n}", "summary": "Intercambio de buenas prácticas",
        "action_plan_line": ActionPlanLine.objects.get(slug="seminars"), "host_country": "GT",
        "starts_at": starts_at, "ends_at": starts_at + timedelta(days=2), "time_zone": "America/Guatemala",
        "capacity": None, "registration_policy": "open",
    }
    defaults.update(fields)
    seminar = SeminarPage(**defaults)
    seminar.sessions = [
        SeminarSession(title=f"Sesión {i + 1}", starts_at=starts_at + timedelta(hours=3 * i),
                       ends_at=starts_at + timedelta(hours=3 * i + 1))
        for i in range(sessions)
    ]
    index.add_child(instance=seminar)
    if organisers:
        seminar.organisers.set(organisers)
    return SeminarPage.objects.get(pk=publish(seminar).pk)


@pytest.fixture
def seminar_factory(seminar_index):
    return lambda **fields: make_seminar(seminar_index, **fields)


def confirmed(user, seminar: SeminarPage) -> Registration:
    """A confirmed registration created directly (the registration rules have their own tests)."""
    return Registration.objects.create(user=user, seminar=seminar, seminar_key=seminar.translation_key,
                                       status=Registration.Status.CONFIRMED, country=user.country,
                                       confirmed_at=timezone.now())
