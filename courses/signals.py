"""Signal wiring for the courses app (connected from AppConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from courses.cache import invalidate


def connect() -> None:
    from wagtail.models import PageViewRestriction, Site

    from courses.models import CatalogPage
    from crm.models import ActionPlanLine, Topic

    # Anything that changes what a cached page shows makes the whole page cache stale.
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"courses.cache.invalidate.{id(signal)}")
    post_delete.connect(_on_page_delete, dispatch_uid="courses.cache.page_delete")
    for model in (PageViewRestriction, Site, ActionPlanLine, Topic):
        for signal in (post_save, post_delete):
            signal.connect(invalidate, sender=model, dispatch_uid=f"courses.cache.{model.__name__}.{id(signal)}")

    # Translations made with wagtail-localize are created outside the admin's create view (and its hook).
    page_published.connect(_setup_published_catalog, sender=CatalogPage, dispatch_uid="courses.catalog_setup")


def _on_page_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate()


def _setup_published_catalog(sender, instance, **kwargs):
    from courses.services import catalog_setup

    catalog_setup(catalog=instance)
