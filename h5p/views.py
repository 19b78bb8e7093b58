"""The H5P player page, its files, saved state (addressed by the player token) and the xAPI endpoint (session)."""

import hashlib
import json
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from h5p import selectors, services, storage
from h5p.models import H5PPackage
from h5p.player import core_translations, grant_read, player_origin, site_origin

# Types H5P content and libraries use; anything unknown is sent as a download, never sniffed.
MIME_TYPES = {
    ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject", ".webm": "video/webm", ".mp4": "video/mp4", ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".wav": "audio/wav", ".vtt": "text/vtt", ".webvtt": "text/vtt",
    ".txt": "text/plain", ".xml": "application/xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif",
}
LIBRARY_CACHE = "private, max-age=31536000, immutable"
CONTENT_CACHE = "private, max-age=300"


def _player_csp() -> str:
    """H5P needs inline scripts and styles, and some content types eval; everything else stays on this origin."""
    ancestors = site_origin() if player_origin() else "'self'"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {ancestors}",
    ])


def _grant(request, token: str):
    """(grant, access) for a valid token whose user may still play the activity; 404 otherwise.

    On the platform's own origin a signed-in visitor must be the token's user (a token is not a key to pass on).
    """
    grant = grant_read(token)
    if grant is None:
        raise Http404
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk != grant.user_id:
        raise PermissionDenied
    access = selectors.access_cached(user_id=grant.user_id, lesson_id=grant.lesson_id, block_id=grant.block_id)
    if access is None:
        raise Http404
    return grant, access


def _lesson(access):
    """The live lesson (files may be served from the access cache for a minute; pages check again)."""
    lesson = selectors.live_lesson(access.lesson_id)
    if lesson is None:
        raise Http404
    return lesson


@require_GET
@xframe_options_exempt  # framed by the lesson page; frame-ancestors in the CSP says by whom
def player(request, token: str):
    from accounts.models import User

    grant, access = _grant(request, token)
    lesson = _lesson(access)
    user = User.objects.get(pk=grant.user_id)
    base = f"/h5p/play/{token}"
    options = {
        "id": f"{lesson.pk}-{grant.block_id}",
        "h5pJsonPath": f"{base}/package",
        "contentJsonPath": f"{base}/package/content",
        "librariesPath": f"{base}/libraries-{access.libraries_version}",
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        "frame": False, "copyright": False, "export": False, "icon": False, "embed": False, "fullScreen": True,
        "xAPIObjectIRI": services.activity_iri(lesson.translation_key, grant.block_id),
        # H5P needs a user to save state; it gets a pseudonym: the server sets the real actor on statements.
        "user": {"name": user.full_name or _("Learner"), "mail": f"user-{user.pk}@learners.invalid"},
        "saveFreq": 5,
        "ajax": {"contentUserDataUrl": f"{base}/state/:dataType/:subContentId"},
        "contentUserData": selectors.user_data_for(user=user, lesson=lesson, block_id=grant.block_id),
    }
    with translation.override(lesson.locale.language_code):
        options["translations"] = core_translations()
    response = render(request, "h5p/player.html", {
        "options": options, "block_id": grant.block_id,
        "parent_origin": site_origin() if player_origin() else "", "language": lesson.locale.language_code,
    })
    response["Content-Security-Policy"] = _player_csp()
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _serve(request, name: str | None, *, version: str, cache_control: str):
    """Stream one stored file. Its address is versioned (package files by the package's storage key, libraries by
    the libraries' version), so the ETag is derived from the address and a revalidation needs no storage read."""
    if name is None:
        raise Http404
    etag = f'"{hashlib.sha256(f"{version}:{name}".encode()).hexdigest()[:32]}"'
    suffix = PurePosixPath(name).suffix.lower()
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        response = not_modified
    else:
        try:
            handle, size = storage.open_stored(name)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Http404 from None
        content_type = MIME_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
        response = FileResponse(handle, content_type=content_type or "application/octet-stream")
        response["Content-Length"] = str(size)
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    if suffix == ".svg":
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_GET
def package_file(request, token: str, path: str):
    _grant_, access = _grant(request, token)
    return _serve(request, storage.within(storage.content_prefix(access.storage_key), path),
                  version=access.storage_key, cache_control=CONTENT_CACHE)


@require_GET
def library_file(request, token: str, version: str, path: str):
    _grant_, access = _grant(request, token)
    folder, _sep, rest = path.partition("/")
    if folder not in access.library_folders or not rest:
        raise Http404
    return _serve(request, storage.within(storage.library_prefix(folder), rest), version=access.libraries_version,
                  cache_control=LIBRARY_CACHE)


@csrf_exempt  # addressed by the signed player token, not by a cookie: a forged request has nothing to ride on
@require_http_methods(["GET", "POST"])
def user_data(request, token: str, data_type: str, sub_content_id: str):
    from accounts.models import User

    grant, access = _grant(request, token)
    lesson = _lesson(access)
    user = User.objects.get(pk=grant.user_id)
    if request.method == "GET":
        data = selectors.user_data_get(user=user, lesson=lesson, block_id=grant.block_id, data_type=data_type,
                                       sub_content_id=sub_content_id)
        return JsonResponse({"success": True, "data": data if data is not None else False})
    if len(request.body) > settings.H5P_STATE_MAX_BYTES + 1024:
        return JsonResponse({"success": False, "message": _("The saved state is larger than allowed.")}, status=413)
    data = request.POST.get("data")
    try:
        services.user_data_save(user=user, lesson=lesson, block_id=grant.block_id, data_type=data_type,
                                sub_content_id=sub_content_id, data=None if data in (None, "", "0") else data)
    except ValidationError as error:
        return JsonResponse({"success": False, "message": " ".join(error.messages)},
                            status=413 if error.code == "too_large" else 400)
    return JsonResponse({"success": True})


@require_POST
def xapi(request):
    """Record one statement for the signed-in learner: {"lesson": id, "block": id, "statement": {...}}.

    Answers 201 with the learner's result counting the statement, or 200 when the statement was stored before.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Sign in to record your results.")}, status=401)
    if len(request.body) > settings.XAPI_STATEMENT_MAX_BYTES:
        return JsonResponse({"error": _("The statement is larger than allowed.")}, status=413)
    try:
        # NaN and Infinity are not JSON (Python's parser accepts them): refuse them before anything is stored.
        payload = json.loads(request.body, parse_constant=_refuse_constant)
        lesson_id, block_id, statement = int(payload["lesson"]), str(payload["block"]), payload["statement"]
    # RecursionError: deeply nested arrays (a few KB of "[") exhaust the parser's stack; not a server error.
    except (ValueError, KeyError, TypeError, RecursionError):
        return JsonResponse({"error": _("Send JSON with lesson, block and statement.")}, status=400)
    lesson = selectors.live_lesson(lesson_id) if 0 < lesson_id < 2**31 else None
    activity = selectors.lesson_activity(lesson, block_id) if lesson is not None else None
    if activity is None:
        return JsonResponse({"error": _("There is no such activity.")}, status=404)
    allowed, enrollment = selectors.may_play(user=request.user, lesson=lesson)
    if not allowed:
        return JsonResponse({"error": _("You may not do this activity.")}, status=403)
    # lesson_activities keeps only blocks whose package exists: its id is all the statement row needs.
    package = H5PPackage(pk=activity.package_id)
    try:
        recorded = services.xapi_record(user=request.user, enrollment=enrollment, lesson=lesson, block_id=block_id,
                                        package=package, statement=statement)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    # A replay (same statement id from the same learner) is acknowledged like the first delivery, without a row.
    return JsonResponse({"stored": True, "duplicate": not recorded.created, "id": str(recorded.statement_id),
                         "result": attempt_json(recorded.attempt)}, status=201 if recorded.created else 200)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def attempt_json(attempt) -> dict:
    return {
        "score": float(attempt.score) if attempt.score is not None else None,
        "max_score": float(attempt.max_score) if attempt.max_score is not None else None,
        "completed": attempt.completed, "success": attempt.success,
    }
