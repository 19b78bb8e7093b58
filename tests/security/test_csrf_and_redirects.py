"""CSRF on every state-changing view, and no redirect off-site after login, logout or a language switch."""

import re
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Views that take no CSRF token by design, each documented where it is defined.
CSRF_EXEMPT_ALLOWED = {
    # h5p/views.py: the H5P state endpoint is addressed by the signed player token (README, "H5P activities").
    "h5p.views.user_data",
}


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


_CONVERTERS = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.uuid4())}


def _sample_path(pattern: str) -> str | None:
    """A concrete path for a route or simple regex pattern; None for patterns we cannot fill in."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTERS.get(m.group(1) or "str", "x"), pattern)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    if re.search(r"[()\[\]*+?|{}]", path):
        return None
    return "/" + path


def _name(callback) -> str:
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{target.__module__}.{target.__qualname__}"


def _urls():
    seen = set()
    for pattern, callback in _walk(get_resolver().url_patterns):
        # i18n_patterns' prefix is empty for Spanish (prefix_default_language=False).
        path = _sample_path(pattern)
        if path and path not in seen:
            seen.add(path)
            yield path, callback


def _exempt(callback) -> bool:
    if not getattr(callback, "csrf_exempt", False):
        return False
    # Django REST framework views are csrf_exempt to Django but enforce CSRF themselves for session users.
    return getattr(callback, "cls", None) is None


def test_only_documented_views_are_exempt_from_csrf():
    exempt = {_name(callback) for _, callback in _walk(get_resolver().url_patterns) if _exempt(callback)}
    assert exempt == CSRF_EXEMPT_ALLOWED


def test_every_post_without_a_csrf_token_is_refused():
    """A signed-in superuser (who may do anything) POSTs to every URL pattern without a token: each is 403."""
    admin = UserFactory(is_superuser=True, is_staff=True, role="Secretariat")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    answered = {}
    for path, callback in _urls():
        if _name(callback) in CSRF_EXEMPT_ALLOWED:
            continue
        response = client.post(path, {"title": "x", "action": "delete"})
        answered[path] = response.status_code
    assert len(answered) > 100, "the walk should reach the admin's URLs too"
    accepted = {path: status for path, status in answered.items() if status != 403}
    assert accepted == {}


def test_post_with_the_token_reaches_the_view():
    """The control: the same client with a valid token is not refused by CSRF (the quiz view answers 400)."""
    user = UserFactory(role="Learner")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))  # the sign-in form sets the CSRF cookie
    client.force_login(user)
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("quizzes:submit"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 400


# --- Open redirects --------------------------------------------------------------------------------------------------

EVIL = [
    "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "https:evil.example", "http://evil.example@testserver/", "http://testserver@evil.example/", "  //evil.example",
    "javascript:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/\t/evil.example", "https://evil.example%00/",
    "///evil.example", "http:/\\evil.example",
]


def _on_site(location: str) -> bool:
    """Resolved as a browser would (backslashes as slashes, tabs and newlines dropped), it stays on our host."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip()).replace("\\", "/")
    parts = urlsplit(urljoin("http://testserver/accounts/login/", cleaned))
    return parts.scheme in ("http", "https") and parts.hostname == "testserver"


@pytest.mark.parametrize("location", ["https://evil.example/", "//evil.example", "/\\evil.example",
                                      "javascript:alert(1)", "/\t/evil.example"])
def test_the_on_site_check_itself_refuses_off_site_locations(location):
    assert not _on_site(location)
    assert _on_site("/en/") and _on_site("http://testserver/cursos/")


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(client, learner, target):
    response = client.post(reverse("account_login") + "?next=" + target,
                           {"login": learner.email, "password": DEFAULT_PASSWORD, "next": target})
    assert response.status_code == 302, response.status_code
    assert _on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL[:6])
def test_signed_in_visit_to_login_and_admin_login_never_redirect_off_site(client, learner, target):
    client.force_login(learner)
    for url in (reverse("account_login"), "/admin/login/"):
        response = client.get(url, {"next": target}, follow=True)
        for location, _status in response.redirect_chain:
            assert _on_site(location), (url, location)


@pytest.mark.parametrize("target", EVIL[:6])
def test_logout_and_language_switch_never_redirect_off_site(client, learner, target):
    client.force_login(learner)
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert _on_site(response["Location"]), response["Location"]
    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER=target)
    assert _on_site(response["Location"]), response["Location"]
    response = client.post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert _on_site(response["Location"]), response["Location"]
