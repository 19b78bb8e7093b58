"""Access-control matrix: every URL pattern of the site, for six users, against an expected table.

The patterns are enumerated from the URL resolver (``get_resolver()``, walked recursively: the Wagtail admin
under /admin/, the API under /api/v1/, the i18n-prefixed public URLs), so a new URL cannot be forgotten: a
pattern with no entry in ``tests/access_matrix_cases.py`` makes ``test_every_url_pattern_is_classified`` fail
and says how to classify it.

Only GET requests are made. Views that answer nothing but POST are listed in ``POST_ONLY`` with the reason; the
matrix still checks that a GET on them never answers 200.

Users: anonymous, a learner of Guatemala who owns the dataset's enrolment, progress, H5P state and certificate,
a learner of Mexico, the trainer of another course, the focal point of Mexico, and the Secretariat. Each
object in the URLs (certificate code, H5P token, bulk job, certificate job, metrics report, seminar) belongs to
the first learner or to staff other than the five others, so "owner" rows prove that IDs in URLs expose no one
else's data.

Wagtail's own admin views (hundreds) are classified by prefix group: anonymous users and the learner are checked on
every one of them (redirect to the login or 403/404, never 200; the other learner, the same role, only on the
sample); the staff roles on a representative sample (EXPECTED and STAFF_SAMPLE).
"""

import re
import uuid
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.access_matrix_cases import (
    EXPECTED,
    GENERIC_VALUES,
    I18N_LANGUAGES,
    LOGS_OUT,
    PAGE_CASES,
    POST_ONLY,
    ROLES,
    SHADOWED,
    STAFF_SAMPLE,
    WAGTAIL_ADMIN_GROUPS,
    WAGTAIL_PUBLIC,
)
from tests.factories import UserFactory

# --- Enumeration --------------------------------------------------------------------------------------------------


def _walk(resolver, pieces=(), namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            spaces = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, (*pieces, entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield SimpleNamespace(name=name, pieces=(*pieces, entry.pattern),
                                  route="".join(_describe(p) for p in (*pieces, entry.pattern)),
                                  i18n=any(isinstance(p, LocalePrefixPattern) for p in pieces))


def _describe(pattern) -> str:
    return "<lang>/" if isinstance(pattern, LocalePrefixPattern) else str(pattern)


def url_patterns() -> list:
    return list(_walk(get_resolver()))


def key_of(pattern) -> str:
    return pattern.name or pattern.route


def classification(pattern):
    """("case", Case) | ("post", reason) | ("shadowed", reason) | ("wagtail_admin", group) | ("wagtail_public", why)
    | None (unclassified)."""
    key = key_of(pattern)
    if key in POST_ONLY:
        return "post", POST_ONLY[key]
    if key in SHADOWED:
        return "shadowed", SHADOWED[key]
    if key in EXPECTED:
        return "case", EXPECTED[key]
    if key in WAGTAIL_PUBLIC:
        return "wagtail_public", WAGTAIL_PUBLIC[key]
    namespace = (pattern.name or "").split(":")[0]
    if pattern.route.startswith("admin/"):
        for group in WAGTAIL_ADMIN_GROUPS:
            if namespace == group or (group.endswith("*") and namespace.startswith(group[:-1])):
                return "wagtail_admin", group
    return None


# --- Building a concrete path from a pattern -------------------------------------------------------------------------

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _value(name: str, converter: str, values: dict) -> str:
    if name in values:
        return str(values[name])
    if name in GENERIC_VALUES:
        return GENERIC_VALUES[name]
    return {"int": "1", "uuid": str(uuid.UUID(int=1))}.get(converter, "x")


def _fill_regex(regex: str, values: dict) -> str:
    """Replace each top-level group of a regex with a value: named groups by name, others with "1" for digits."""
    out, i = [], 0
    while i < len(regex):
        if regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i + 1])
            i += 2
            continue
        if regex[i] != "(":
            out.append(regex[i])
            i += 1
            continue
        depth, j = 0, i
        while j < len(regex):
            if regex[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[j], 0)
            if depth == 0:
                break
            j += 1
        group = regex[i:j + 1]
        named = re.match(r"\(\?P<(\w+)>", group)
        if named:
            out.append(_value(named.group(1), "", values))
        elif group.startswith("((?:"):
            out.append(values.get("_path", ""))  # Wagtail's serve pattern: the page path
        else:
            out.append("1" if r"\d" in group else values.get("_path", "x"))
        i = j + 1
    return "".join(out).lstrip("^").rstrip("$").replace(".*", "x")


def build_path(pattern, values: dict, language: str = "") -> str:
    parts = []
    for piece in pattern.pieces:
        if isinstance(piece, LocalePrefixPattern):
            parts.append(f"{language}/" if language else "")
        elif isinstance(piece, RoutePattern):
            parts.append(_ROUTE_PARAM.sub(
                lambda m: _value(m.group("name"), m.group("converter") or "str", values), str(piece)))
        elif isinstance(piece, RegexPattern):
            parts.append(_fill_regex(str(piece), values))
        else:  # pragma: no cover - a new kind of pattern must be taught here
            raise AssertionError(f"unknown pattern type {type(piece)!r}")
    return "/" + "".join(parts)


# --- Outcomes -------------------------------------------------------------------------------------------------------


def outcome(response) -> str:
    """ok (2xx) | login (redirect to a sign-in page) | deny (401/403/404/405, or Wagtail's redirect to its dashboard
    with a permission message) | redirect (any other redirect) | status NNN."""
    code = response.status_code
    if 200 <= code < 300:
        return "ok"
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "login" in location:
            return "login"
        if location.split("?")[0] in ("/admin/", "http://testserver/admin/"):
            return "deny"
        return "redirect"
    if code in (401, 403, 404, 405):
        return "deny"
    return f"status {code}"


def matches(expected: str, actual: str) -> bool:
    return actual in expected.split("|")


# --- Dataset --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_dataset(django_db_setup, django_db_blocker, tmp_path_factory):
    """The dataset, built once for the module inside a transaction rolled back at its end (each test's own
    transaction nests in it as a savepoint). Building it renders a certificate PDF and imports an H5P package:
    once, not once per test, keeps the module well under a minute."""
    from django.conf import settings
    from django.db import transaction
    from django.test import TestCase, override_settings

    root = tmp_path_factory.mktemp("access_matrix")
    storage = override_settings(H5P_ROOT=root / "h5p", STORAGES={**settings.STORAGES, "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root / "certificates"), "base_url": "/certificates-not-served/"}}})
    storage.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _dataset_build(TestCase.captureOnCommitCallbacks)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            storage.disable()


@pytest.fixture
def dataset(shared_dataset, db):
    return shared_dataset


def _dataset_build(capture_on_commit) -> SimpleNamespace:
    """Two countries, two courses with different trainers, a learner per country; the Guatemalan learner's
    completed enrolment, progress, certificate (with its PDF), H5P state; a bulk job, a certificate job and a metrics
    report by staff outside the matrix; a seminar organised by course A's trainer."""
    from django.core.files.base import ContentFile

    from certificates.models import Certificate, CertificateJob
    from enrolments.bulk_models import BulkEnrolmentJob
    from enrolments.models import Enrollment
    from h5p import services as h5p_services
    from h5p.player import player_token
    from metrics.report_models import MetricsReport
    from tests.certificates.conftest import complete, course_issuing, enrol, template_with_signatory
    from tests.courses.conftest import catalog_build, make_course, publish
    from tests.h5p.conftest import h5p_block, import_sample, lesson_with_h5p
    from tests.seminars.conftest import confirmed, make_seminar, seminar_index_build

    d = SimpleNamespace()
    d.learner = UserFactory(role="Learner", country="GT")
    d.learner_mx = UserFactory(role="Learner", country="MX")
    d.trainer_a = UserFactory(role="Trainer", country="GT")
    d.trainer_other = UserFactory(role="Trainer", country="CR")
    d.focal_gt = UserFactory(role="Country focal point", country="GT", focal_point_country="GT")
    d.focal_mx = UserFactory(role="Country focal point", country="MX", focal_point_country="MX")
    d.secretariat = UserFactory(role="Secretariat", country="CR")

    catalog = catalog_build()
    d.course_a = course_issuing(catalog, template_with_signatory(), title="Curso A")
    d.course_a.trainers.add(d.trainer_a)
    d.course_a = publish(d.course_a)
    d.course_b = make_course(catalog, title="Curso B", lessons=1)
    d.course_b.trainers.add(d.trainer_other)
    d.course_b = publish(d.course_b)

    d.enrolment = complete(enrol(d.learner, d.course_a), capture_on_commit)
    assert d.enrolment.status == Enrollment.Status.COMPLETED
    d.certificate = Certificate.objects.get(enrollment=d.enrolment)
    assert d.certificate.pdf, "the certificate's PDF must exist for the download rows to mean anything"

    d.h5p_lesson = lesson_with_h5p(catalog, h5p_block("act-1", import_sample()), title="Curso H5P")
    enrol(d.learner, d.h5p_lesson.course)
    d.h5p_token = player_token(user_id=d.learner.pk, lesson_id=d.h5p_lesson.pk, block_id="act-1")
    # Saved H5P state that names its owner: the leak test looks for the e-mail address in every refused answer.
    h5p_services.user_data_save(user=d.learner, lesson=d.h5p_lesson, block_id="act-1", data_type="state",
                                sub_content_id="0", data=f'{{"answer": "{d.learner.email}"}}')

    d.bulk_job = BulkEnrolmentJob.objects.create(
        uploaded_by=d.focal_gt, course=d.course_a, course_key=d.course_a.translation_key,
        file=ContentFile(b"email\n", name="a.csv"), status=BulkEnrolmentJob.Status.VALIDATED,
        report={"rows": [{"row": 2, "email": d.learner.email, "outcome": "enrol"}]})
    d.certificate_job = CertificateJob.objects.create(
        action=CertificateJob.Action.ZIP, course_key=d.course_a.translation_key, course_title="Curso A",
        created_by=d.trainer_a, result=ContentFile(b"PK", name="a.zip"))
    d.report = MetricsReport.objects.create(requested_by=d.focal_gt, status=MetricsReport.Status.DONE,
                                            pdf=ContentFile(b"%PDF-", name="r.pdf"))
    d.seminar = make_seminar(seminar_index_build(), organisers=[d.trainer_a])
    d.registration = confirmed(d.learner, d.seminar)
    d.users = {"anonymous": None, "learner": d.learner, "learner_mx": d.learner_mx,
               "trainer_other": d.trainer_other, "focal_mx": d.focal_mx, "secretariat": d.secretariat}
    return d


def _clients(users: dict) -> dict:
    from django.test import Client

    clients = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[role] = client
    return clients


# --- Tests ----------------------------------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    patterns = url_patterns()
    assert len(patterns) > 300, "the walk missed the Wagtail admin"
    missing = sorted({f"{key_of(p)!r}  (route {p.route})" for p in patterns if classification(p) is None})
    assert not missing, (
        "These URL patterns have no access-control expectation. Add each to tests/access_matrix_cases.py: "
        "EXPECTED (with the outcome per role), POST_ONLY (with the reason) or, for a Wagtail admin namespace, "
        "WAGTAIL_ADMIN_GROUPS:\n" + "\n".join(missing))


def test_no_stale_classification():
    """An entry for a URL that no longer exists hides nothing, but it must go."""
    keys = {key_of(p) for p in url_patterns()}
    stale = sorted((set(EXPECTED) | set(POST_ONLY) | set(SHADOWED) | set(WAGTAIL_PUBLIC)) - keys)
    assert not stale, f"classified but not routed any more: {stale}"


def test_access_matrix(dataset):
    """Every classified pattern × every user gets the expected outcome (one report lists every difference)."""
    clients = _clients(dataset.users)
    failures, requests = [], 0

    def check(path: str, role: str, expected: str, key: str) -> None:
        nonlocal requests
        requests += 1
        # A logout on GET (Wagtail's admin logout does that) would sign the shared client out for the next rows.
        client = _clients({role: dataset.users[role]})[role] if key in LOGS_OUT else clients[role]
        actual = outcome(client.get(path))
        if not matches(expected, actual):
            failures.append(f"{key:45} {role:14} GET {path}  expected {expected}, got {actual}")

    for pattern in url_patterns():
        kind, detail = classification(pattern) or (None, None)
        key = key_of(pattern)
        if kind == "case":
            values = detail.values(dataset) if detail.values else {}
            path = build_path(pattern, values) + detail.query
            for role, expected in zip(ROLES, detail.expect, strict=True):
                check(path, role, expected, key)
            if pattern.i18n:
                for language in I18N_LANGUAGES:
                    check(build_path(pattern, values, language) + detail.query, "anonymous", detail.expect[0], key)
        elif kind == "post":
            path = build_path(pattern, {})
            for role in ROLES:
                check(path, role, "login|deny", key)
        elif kind == "wagtail_admin":
            path = build_path(pattern, {})
            check(path, "anonymous", "login|deny", key)
            check(path, "learner", "login|deny", key)  # the other learner is the same role: spared here for time
            for role, expected in STAFF_SAMPLE.get(key, {}).items():
                check(path, role, expected, key)

    assert not failures, f"{len(failures)} of {requests} requests differ from the matrix:\n" + "\n".join(failures)
    assert requests > 1000, requests


def test_wagtail_pages(dataset):
    """The page router (one pattern, many pages): public pages, the learner's course and lessons."""
    clients = _clients(dataset.users)
    failures = []
    for page, case in sorted(PAGE_CASES.items()):
        path, expect = case(dataset)
        for role, expected in zip(ROLES, expect, strict=True):
            actual = outcome(clients[role].get(path))
            if not matches(expected, actual):
                failures.append(f"{page:10} {role:14} GET {path}  expected {expected}, got {actual}")
    assert not failures, "\n".join(failures)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_owner_rows_never_leak_data(dataset):
    """IDs in URLs: the other users never receive the learner's certificate PDF or credential, H5P state, a bulk job
    report naming them, another's metrics report or certificate ZIP; the Mexican focal point's roster omits them."""
    from django.urls import reverse

    clients = _clients(dataset.users)
    code = {"code": dataset.certificate.code}
    owned = {
        "pdf": reverse("certificates:download", kwargs=code),
        "credential": reverse("credentials:credential", kwargs=code),
        "state": reverse("h5p:user_data", kwargs={"token": dataset.h5p_token, "data_type": "state",
                                                  "sub_content_id": "0"}),
        "bulk report": reverse("enrolments_bulk:report", kwargs={"pk": dataset.bulk_job.pk}),
        "metrics report": reverse("metrics:report_download", kwargs={"pk": dataset.report.pk}),
        "certificate zip": reverse("certificates_job_download", kwargs={"pk": dataset.certificate_job.pk}),
    }
    secrets = (dataset.learner.email.encode(), dataset.learner.full_name.encode(), b"%PDF", b"PK")
    for role in ("anonymous", "learner_mx", "trainer_other", "focal_mx"):
        for what, path in owned.items():
            if role == "anonymous" and what == "state":
                continue  # the player's origin has no session: the signed token, issued to its user, is the key
            response = clients[role].get(path)
            assert response.status_code in (302, 401, 403, 404), (role, what, response.status_code)
            assert not any(secret in _body(response) for secret in secrets), (role, what)
    roster = clients["focal_mx"].get(reverse("seminars:roster", kwargs={"pk": dataset.seminar.pk}))
    assert roster.status_code == 200 and dataset.learner.full_name.encode() not in roster.content
    # ...while the owner and the Secretariat do get them: every assertion above can fail.
    for role in ("learner", "secretariat"):
        response = clients[role].get(owned["pdf"])
        assert response.status_code == 200 and _body(response).startswith(b"%PDF"), role
    assert dataset.learner.email.encode() in clients["learner"].get(owned["state"]).content
    assert dataset.learner.full_name.encode() in clients["secretariat"].get(
        reverse("seminars:roster", kwargs={"pk": dataset.seminar.pk})).content



def test_snippet_choosers_list_nothing_personal_to_other_staff(dataset):
    """Wagtail's snippet chooser views check admin access only: the certificate chooser would list every learner's
    certificate (name, course, code) to any trainer or focal point, the country-target chooser every country's targets
    to a focal point scoped to one. Both are for those who may view the model (the Secretariat)."""
    from django.urls import reverse

    clients = _clients(dataset.users)
    for name in ("wagtailsnippetchoosers_certificates_certificate", "wagtailsnippetchoosers_metrics_countrytarget"):
        for view, kwargs in (("choose", {}), ("choose_results", {}), ("chosen_multiple", {}),
                             ("chosen", {"pk": dataset.certificate.pk})):
            path = reverse(f"{name}:{view}", kwargs=kwargs)
            for role in ("trainer_other", "focal_mx"):
                response = clients[role].get(path)
                assert response.status_code in (302, 403, 404), (role, path, response.status_code)
                assert dataset.learner.full_name.encode() not in response.content, (role, path)
    response = clients["secretariat"].get(reverse("wagtailsnippetchoosers_certificates_certificate:choose_results"))
    assert response.status_code == 200 and dataset.certificate.learner_name.encode() in response.content
