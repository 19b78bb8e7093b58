"""The addresses of the site's sections (course catalogue, seminar calendar) for the header's main navigation.

The header asks for them on every page, so they are cached per language and refreshed whenever one of those pages
is saved, moved, unpublished or deleted (signals connected in CoreConfig.ready).
"""

from django.conf import settings
from django.core.cache import cache

TIMEOUT = 24 * 60 * 60
SECTIONS = ("courses", "seminars")


def _key(language: str) -> str:
    return f"campus:main-nav:{language}"


def _section_models():
    from courses.models import CatalogPage
    from seminars.models import SeminarIndexPage

    return {"courses": CatalogPage, "seminars": SeminarIndexPage}


def refresh() -> dict:
    """Look the sections up again in every language (two queries) and cache them; a language without its own
    translation of a section links to the default language's."""
    by_language = {code: {} for code, _name in settings.LANGUAGES}
    for name, model in _section_models().items():
        pages = {}
        for page in model.objects.live().select_related("locale").order_by("-path"):  # the first in the tree wins
            pages[page.locale.language_code] = page
        fallback = pages.get(settings.LANGUAGE_CODE)
        for code, urls in by_language.items():
            page = pages.get(code) or fallback
            if page is not None:
                urls[name] = page.get_url()
    cache.set_many({_key(code): urls for code, urls in by_language.items()}, TIMEOUT)
    return by_language


def section_urls(language: str) -> dict:
    """{"courses": url, "seminars": url} in `language`, the missing ones left out."""
    urls = cache.get(_key(language))
    if urls is None:
        urls = refresh().get(language, {})
    return urls


def on_section_change(sender, **kwargs) -> None:
    refresh()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_unpublished, post_page_move

    for model in _section_models().values():
        for signal in (post_save, post_delete, page_unpublished, post_page_move):
            signal.connect(on_section_change, sender=model, dispatch_uid=f"main-nav-{signal!r}-{model.__name__}")
