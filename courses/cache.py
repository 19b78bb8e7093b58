"""Whole-response cache for anonymous visitors of catalogue and course pages.

Keys carry a site-wide generation number that every publish, unpublish, move or delete of a page (and every
change to reference data shown on those pages) increments, so a cached page is never served after a trainer
publishes. (wagtail-cache, the usual library for this, does not support Wagtail 8 yet.)

Only safe with a cache shared by every web process (Redis in production: CACHE_URL), so it is off unless
PAGE_CACHE_ENABLED is true.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate(**kwargs) -> None:
    """Make every cached page stale (called on publish, unpublish, move, delete)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing cached under it either
        cache.add(GENERATION_KEY, 1, timeout=None)


def _cacheable(request) -> bool:
    return (
        getattr(settings, "PAGE_CACHE_ENABLED", False)
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not getattr(request, "is_preview", False)
        and len(get_messages(request)) == 0
    )


def serve_cached(page, request, render: Callable[[], HttpResponse]) -> HttpResponse:
    """Serve `page` from the cache for anonymous visitors, rendering and storing it on a miss."""
    if not _cacheable(request):
        return render()
    key = f"pagecache:{generation()}:{page.pk}:{get_language()}:{request.get_full_path()}"
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_TIMEOUT)
    return response
