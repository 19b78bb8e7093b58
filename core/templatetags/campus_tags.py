"""Template tags for the site shell."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from wagtail.models import Page

from core.navigation import section_urls

register = template.Library()
TRANSLATIONS_TIMEOUT = 600


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the current page in every platform language.

    A Wagtail page links to its own translations; a page without a translation in some language links to
    that language's home page rather than to an address that does not exist. Other views use their
    translated URL.
    """
    request = context.get("request")
    page = context.get("page")
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    path = request.get_full_path() if request else "/"
    translations = page_translation_urls(page, request) if isinstance(page, Page) and page.pk else {}
    links = []
    for code, name in settings.LANGUAGES:
        if isinstance(page, Page) and page.pk:
            url = translations.get(code) or translate_url("/", code)
        else:
            url = translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}


def page_translation_urls(page, request) -> dict[str, str]:
    """{language: URL} of the page's live translations, itself included. Every page of the site asks for this
    (its header's language links): kept in the cache until the next publish, move or delete of any page (the
    page cache's generation, courses/cache.py)."""
    from courses.cache import generation_cached

    host = request.get_host() if request else ""
    return generation_cached(
        f"campus:translations:{page.pk}:{host}",
        lambda: {translation.locale.language_code: translation.get_url(request)
                 for translation in page.get_translations(inclusive=True).live().select_related("locale")},
        TRANSLATIONS_TIMEOUT)


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """The site's sections: courses, seminars and certificate verification; the current one is marked."""
    request = context.get("request")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    urls = section_urls(language)
    links = [{"name": name, "url": urls[name]} for name in ("courses", "seminars") if urls.get(name)]
    links.append({"name": "verify", "url": reverse("certificates:verify_form")})
    path = request.path if request else ""
    for link in links:  # aria-current: "page" on the section's own page, "true" anywhere inside it
        link["current"] = "page" if path == link["url"] else "true" if path.startswith(link["url"]) else ""
    return {"links": links}
