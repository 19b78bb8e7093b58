"""The H5P player page and its files: served only through a signed token to someone who may open the lesson, with
a strict Content-Security-Policy, safe content types and no way out of the package's folders; saved state."""

import json
import re
import time

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from h5p.models import H5PUserData
from h5p.player import DAY, grant_read, player_token
from h5p.sample import FOLDER
from tests.factories import UserFactory
from tests.h5p.conftest import ACTIVITY_ID, enrol, h5p_block, import_sample, lesson_with_h5p, teach

pytestmark = pytest.mark.usefixtures("fresh_cache")

IFRAME_SRC = re.compile(r'<iframe[^>]*\ssrc="(?P<src>/h5p/play/[^"/]+/)"')
OPTIONS = re.compile(r'<script id="h5p-options" type="application/json">(?P<json>.*?)</script>', re.S)


def player_src(client, lesson) -> str:
    """The player address the lesson page frames for the signed-in user."""
    response = client.get(lesson.url)
    assert response.status_code == 200
    match = IFRAME_SRC.search(response.content.decode())
    assert match, "the lesson page has no H5P player frame"
    return match["src"]


def player_options(client, src: str) -> dict:
    response = client.get(src)
    assert response.status_code == 200
    return json.loads(OPTIONS.search(response.content.decode())["json"])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def learner_client(client, learner, h5p_enrolment):
    client.force_login(learner)
    return client


@pytest.fixture
def src(learner_client, h5p_lesson) -> str:
    return player_src(learner_client, h5p_lesson)


# --- The player page -------------------------------------------------------------------------------------------------

def test_lesson_page_frames_the_player_for_the_enrolled_learner(learner_client, learner, h5p_lesson):
    html = learner_client.get(h5p_lesson.url).content.decode()

    src = IFRAME_SRC.search(html)["src"]
    token = src.removeprefix("/h5p/play/").removesuffix("/")
    grant = grant_read(token)
    assert (grant.user_id, grant.lesson_id, grant.block_id) == (learner.pk, h5p_lesson.pk, ACTIVITY_ID)
    assert 'data-record="1"' in html
    assert 'data-xapi-url="/h5p/xapi/"' in html
    assert "Preview: results are recorded only for enrolled learners." not in html


def test_player_page_has_strict_headers_and_the_h5p_options(learner_client, learner, h5p_lesson, src):
    response = learner_client.get(src)

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    assert "connect-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "no-store" in response["Cache-Control"]
    assert "X-Frame-Options" not in response  # the lesson page frames it; frame-ancestors says who may
    options = json.loads(OPTIONS.search(response.content.decode())["json"])
    base = src.rstrip("/")
    assert options["h5pJsonPath"] == f"{base}/package"
    assert options["contentJsonPath"] == f"{base}/package/content"
    assert re.fullmatch(re.escape(base) + r"/libraries-[0-9a-f]+", options["librariesPath"])
    assert options["ajax"]["contentUserDataUrl"] == f"{base}/state/:dataType/:subContentId"
    assert options["xAPIObjectIRI"] == f"http://testserver/h5p/activity/{h5p_lesson.translation_key}/{ACTIVITY_ID}"
    assert options["contentUserData"] == {}
    # H5P gets a pseudonym: the real identity is set by the server on each statement.
    assert options["user"]["mail"] == f"user-{learner.pk}@learners.invalid"
    assert learner.email not in response.content.decode()


def test_player_token_is_stable_for_the_day(learner_client, h5p_lesson, src):
    assert player_src(learner_client, h5p_lesson) == src


# --- Package and library files (marker storage: `make test-s3` runs them against S3 too) -------------------------

@pytest.mark.storage
def test_package_h5p_json_is_served_as_json(learner_client, src, h5p_package):
    response = learner_client.get(f"{src}package/h5p.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(body(response)) == h5p_package.h5p_json


@pytest.mark.storage
def test_package_content_json_is_served(learner_client, src):
    response = learner_client.get(f"{src}package/content/content.json")

    assert response.status_code == 200
    assert json.loads(body(response))["question"] == "¿Madrid es la capital de España?"


@pytest.mark.storage
def test_library_file_is_served_as_javascript_and_cached_for_good(learner_client, src):
    libraries = player_options(learner_client, src)["librariesPath"]

    response = learner_client.get(f"{libraries}/{FOLDER}/scripts/yes-no.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert b"H5P.CampusYesNo" in body(response)


@pytest.mark.storage
def test_a_file_the_browser_has_is_revalidated_without_sending_it_again(learner_client, src):
    libraries = player_options(learner_client, src)["librariesPath"]
    for url in (f"{libraries}/{FOLDER}/scripts/yes-no.js", f"{src}package/content/content.json"):
        first = learner_client.get(url)
        assert first.status_code == 200 and first["ETag"]

        again = learner_client.get(url, headers={"If-None-Match": first["ETag"]})

        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]


@pytest.mark.storage
def test_files_of_one_package_have_different_etags(learner_client, src):
    tags = {learner_client.get(f"{src}package/{name}")["ETag"] for name in ("h5p.json", "content/content.json")}

    assert len(tags) == 2


@pytest.mark.storage
def test_library_css_and_json_types(learner_client, src):
    libraries = player_options(learner_client, src)["librariesPath"]

    assert learner_client.get(f"{libraries}/{FOLDER}/styles/yes-no.css")["Content-Type"] == "text/css"
    assert learner_client.get(f"{libraries}/{FOLDER}/library.json")["Content-Type"] == "application/json"


@pytest.mark.storage
def test_library_not_used_by_this_package_is_not_served(learner_client, src, h5p_root):
    # Another library in the storage, as another package would have brought it.
    h5p_root.save("libraries/H5P.Other-1.0/library.json", ContentFile(b"{}"))
    libraries = player_options(learner_client, src)["librariesPath"]

    assert learner_client.get(f"{libraries}/H5P.Other-1.0/library.json").status_code == 404
    assert learner_client.get(f"{libraries}/{FOLDER}").status_code == 404
    assert learner_client.get(f"{libraries}/{FOLDER}/").status_code == 404


@pytest.mark.storage
def test_missing_files_are_not_found(learner_client, src):
    libraries = player_options(learner_client, src)["librariesPath"]

    assert learner_client.get(f"{src}package/content/missing.json").status_code == 404
    assert learner_client.get(f"{src}package/content").status_code == 404  # a folder, not a file
    assert learner_client.get(f"{libraries}/{FOLDER}/scripts/missing.js").status_code == 404


@pytest.mark.storage
@pytest.mark.parametrize("path", [
    "package/../../../etc/passwd",
    "package/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "package/..%2f..%2f..%2fetc/passwd",
    "package/content/../../../../../../etc/passwd",
    "package//etc/passwd",
    "package/%2fetc/passwd",
    "package/../h5p.json",
], ids=["dot-dot", "encoded-dot-dot", "encoded-slash", "deep", "double-slash", "encoded-absolute", "up-one"])
def test_path_traversal_in_package_files_is_not_found(learner_client, src, path):
    response = learner_client.get(f"{src}{path}")

    assert response.status_code == 404


@pytest.mark.storage
@pytest.mark.parametrize("rest", [
    "../../../../etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "scripts/../../../content/x/h5p.json",
    "/etc/passwd",
])
def test_path_traversal_in_library_files_is_not_found(learner_client, src, rest):
    libraries = player_options(learner_client, src)["librariesPath"]

    assert learner_client.get(f"{libraries}/{FOLDER}/{rest}").status_code == 404


@pytest.mark.storage
def test_library_path_cannot_reach_another_packages_content(learner_client, src, h5p_package):
    other = import_sample(title="Otra", question="¿Otra?")
    libraries = player_options(learner_client, src)["librariesPath"]

    response = learner_client.get(f"{libraries}/{FOLDER}/../../content/{other.storage_key}/h5p.json")

    assert response.status_code == 404


# --- Who gets the player ---------------------------------------------------------------------------------------------

def test_another_signed_in_user_cannot_use_the_learners_token(client, src, learner):
    stranger = UserFactory(role="Learner", country="GT")
    client.force_login(stranger)

    for url in (src, f"{src}package/h5p.json", f"{src}state/state/0"):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"{src}libraries-0/{FOLDER}/library.json").status_code in (403, 404)
    assert client.post(f"{src}state/state/0", {"data": "{}"}).status_code in (403, 404)
    assert not H5PUserData.objects.exists()


def test_an_erased_learners_open_player_saves_nothing_more(client, src, learner):
    from accounts.privacy import personal_data_erase

    assert client.get(src).status_code == 200
    assert client.__class__().get(src).status_code == 200, "the token alone opens the player"
    personal_data_erase(user=learner)
    cache.clear()  # the player's access is cached for a minute
    anonymous = client.__class__()  # the erasure signed the learner out; the token is all the frame still holds
    for url in (src, f"{src}package/h5p.json"):
        assert anonymous.get(url).status_code == 404, url
    assert anonymous.post(f"{src}state/state/0", {"data": "{}"}).status_code in (403, 404)
    assert not H5PUserData.objects.exists()


def test_another_users_token_is_refused_even_when_they_are_enrolled(client, h5p_lesson, src):
    classmate = UserFactory(role="Learner", country="GT")
    enrol(classmate, h5p_lesson)
    client.force_login(classmate)

    assert client.get(src).status_code == 403
    assert client.get(f"{src}package/h5p.json").status_code == 403


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
    lambda token: "x" + token,
    lambda token: "not-a-token",
], ids=["signature", "payload", "garbage"])
def test_tampered_token_is_not_found(learner_client, src, tamper):
    token = src.removeprefix("/h5p/play/").removesuffix("/")
    bad = f"/h5p/play/{tamper(token)}/"

    assert learner_client.get(bad).status_code == 404
    assert learner_client.get(f"{bad}package/h5p.json").status_code == 404


def test_token_forged_for_another_block_is_not_found(learner_client, learner, h5p_lesson):
    token = player_token(user_id=learner.pk, lesson_id=h5p_lesson.pk, block_id="no-such-block")

    assert learner_client.get(f"/h5p/play/{token}/").status_code == 404


def test_token_of_an_unpublished_lesson_is_not_found(learner_client, h5p_lesson, src):
    assert learner_client.get(f"{src}package/h5p.json").status_code == 200

    h5p_lesson.unpublish()
    cache.clear()  # the 60-second access cache would still answer yes

    assert learner_client.get(src).status_code == 404
    assert learner_client.get(f"{src}package/h5p.json").status_code == 404


def test_token_of_a_withdrawn_learner_is_not_found(learner_client, h5p_enrolment, src):
    h5p_enrolment.status = "withdrawn"
    h5p_enrolment.save()
    cache.clear()

    assert learner_client.get(src).status_code == 404


def test_activity_removed_from_the_lesson_is_not_found(learner_client, h5p_lesson, src):
    from tests.courses.conftest import publish

    h5p_lesson.body = [{"type": "paragraph", "value": "<p>Sin actividad.</p>"}]
    publish(h5p_lesson)
    cache.clear()

    assert learner_client.get(src).status_code == 404


def test_token_issued_at_different_moments_of_one_day_is_the_same(monkeypatch):
    """The browser caches the player's files under the token's address, so it must not change within the day."""
    morning = (int(time.time()) // DAY) * DAY + 8 * 3600
    monkeypatch.setattr(time, "time", lambda: morning)
    first = player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID)
    monkeypatch.setattr(time, "time", lambda: morning + 3 * 3600 + 7)
    second = player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID)

    assert first == second
    assert player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID, now=morning + DAY) != first


def test_expired_token_is_refused():
    now = time.time()
    issued = player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID, now=now - 2 * DAY)

    assert grant_read(issued, now=now) is None
    assert grant_read(player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID, now=now - DAY), now=now) is not None
    assert grant_read(player_token(user_id=1, lesson_id=2, block_id=ACTIVITY_ID, now=now), now=now).block_id == (
        ACTIVITY_ID)


def test_expired_token_url_is_not_found(learner_client, learner, h5p_lesson):
    token = player_token(user_id=learner.pk, lesson_id=h5p_lesson.pk, block_id=ACTIVITY_ID,
                         now=time.time() - 3 * DAY)

    assert learner_client.get(f"/h5p/play/{token}/").status_code == 404


@pytest.mark.parametrize("role", ["trainer", "secretariat"])
def test_course_trainer_and_secretariat_get_a_preview_player(client, request, h5p_lesson, role):
    user = request.getfixturevalue(role)
    if role == "trainer":
        teach(user, h5p_lesson)
    client.force_login(user)

    response = client.get(h5p_lesson.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: results are recorded only for enrolled learners." in html
    assert 'data-record="0"' in html
    src = IFRAME_SRC.search(html)["src"]
    assert client.get(src).status_code == 200
    assert client.get(f"{src}package/h5p.json").status_code == 200


def test_trainer_of_another_course_gets_no_player(client, trainer, h5p_lesson, learner, h5p_enrolment):
    client.force_login(trainer)
    token = player_token(user_id=trainer.pk, lesson_id=h5p_lesson.pk, block_id=ACTIVITY_ID)

    response = client.get(h5p_lesson.url)

    assert response.status_code == 302
    assert client.get(f"/h5p/play/{token}/").status_code == 404


def test_anonymous_visitor_of_a_lesson_is_sent_to_sign_in(client, h5p_lesson):
    response = client.get(h5p_lesson.url)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_anonymous_with_a_valid_token_gets_the_player(client, learner, h5p_lesson, h5p_enrolment):
    """Token-addressed so a cookieless player origin works: the token alone names the learner."""
    token = player_token(user_id=learner.pk, lesson_id=h5p_lesson.pk, block_id=ACTIVITY_ID)

    assert client.get(f"/h5p/play/{token}/").status_code == 200


def test_page_with_two_activities_frames_two_players(client, learner, catalog, h5p_package):
    lesson = lesson_with_h5p(catalog, h5p_block("act-1", h5p_package), h5p_block("act-2", h5p_package))
    enrol(learner, lesson)
    client.force_login(learner)

    sources = IFRAME_SRC.findall(client.get(lesson.url).content.decode())

    assert [grant_read(s.split("/")[3]).block_id for s in sources] == ["act-1", "act-2"]


# --- Saved state -----------------------------------------------------------------------------------------------------

STATE = json.dumps({"answer": True})


def test_state_is_saved_read_back_and_preloaded(learner_client, learner, h5p_lesson, src):
    url = f"{src}state/state/0"

    response = learner_client.post(url, {"data": STATE, "preload": "1", "invalidate": "0"})

    assert response.status_code == 200
    assert response.json() == {"success": True}
    row = H5PUserData.objects.get()
    assert (row.user, row.lesson_key, row.block_id, row.sub_content_id, row.data_type, row.data) == (
        learner, h5p_lesson.translation_key, ACTIVITY_ID, "0", "state", STATE)
    assert learner_client.get(url).json() == {"success": True, "data": STATE}
    assert player_options(learner_client, src)["contentUserData"] == {"0": {"state": STATE}}


def test_saving_state_again_replaces_it(learner_client, src):
    url = f"{src}state/state/0"
    learner_client.post(url, {"data": STATE})

    learner_client.post(url, {"data": json.dumps({"answer": False})})

    assert H5PUserData.objects.get().data == json.dumps({"answer": False})


def test_state_zero_deletes_it(learner_client, src):
    url = f"{src}state/state/0"
    learner_client.post(url, {"data": STATE, "preload": "1", "invalidate": "0"})

    response = learner_client.post(url, {"data": "0", "preload": "1", "invalidate": "0"})

    assert response.json() == {"success": True}
    assert not H5PUserData.objects.exists()
    assert learner_client.get(url).json() == {"success": True, "data": False}


def test_state_needs_no_csrf_token(learner, h5p_enrolment, h5p_lesson):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    src = player_src(client, h5p_lesson)

    assert client.post(f"{src}state/state/0", {"data": STATE}).json() == {"success": True}


def test_oversized_state_is_refused_and_not_stored(learner_client, src, settings):
    settings.H5P_STATE_MAX_BYTES = 1000

    response = learner_client.post(f"{src}state/state/0", {"data": "x" * 1001})

    assert response.status_code == 413
    assert response.json()["success"] is False
    assert response.json()["message"] == "The saved state is larger than allowed."
    assert not H5PUserData.objects.exists()


def test_hugely_oversized_state_is_refused_before_parsing(learner_client, src, settings):
    settings.H5P_STATE_MAX_BYTES = 1000

    response = learner_client.post(f"{src}state/state/0", {"data": "x" * 5000})

    assert response.status_code == 413
    assert not H5PUserData.objects.exists()


def test_state_is_kept_per_learner(client, learner, h5p_lesson, h5p_enrolment):
    classmate = UserFactory(role="Learner", country="GT")
    enrol(classmate, h5p_lesson)
    client.force_login(learner)
    client.post(f"{player_src(client, h5p_lesson)}state/state/0", {"data": STATE})

    client.force_login(classmate)
    src = player_src(client, h5p_lesson)

    assert client.get(f"{src}state/state/0").json() == {"success": True, "data": False}
    assert player_options(client, src)["contentUserData"] == {}


# --- Within the access cache's minute --------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "state/state/0"], ids=["player", "state"])
def test_unpublished_lesson_within_the_cache_minute_is_not_a_server_error(learner_client, h5p_lesson, src, suffix):
    assert learner_client.get(f"{src}package/h5p.json").status_code == 200  # the access is now cached

    h5p_lesson.unpublish()

    assert learner_client.get(f"{src}{suffix}").status_code == 404
