"""Signal wiring for metrics (connected from AppConfig.ready)."""

from wagtail.signals import page_published


def _on_publish(sender, instance, **kwargs):
    from metrics.services import offering_sync

    offering_sync(instance)


def _targets_changed(sender, **kwargs):
    from django.core.cache import cache

    from metrics.presentation import TARGETS_VERSION_KEY

    try:
        cache.incr(TARGETS_VERSION_KEY)
    except ValueError:  # not set yet
        cache.set(TARGETS_VERSION_KEY, 1, None)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from courses.models import CoursePage
    from metrics.models import CountryTarget
    from seminars.models import SeminarPage

    for signal in (post_save, post_delete):
        signal.connect(_targets_changed, sender=CountryTarget, dispatch_uid=f"metrics.targets_changed.{id(signal)}")

    for model in (CoursePage, SeminarPage):
        page_published.connect(_on_publish, sender=model, dispatch_uid=f"metrics.offering_sync.{model.__name__}")
