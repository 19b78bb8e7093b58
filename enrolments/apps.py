from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentsConfig(AppConfig):
    name = "enrolments"
    verbose_name = _("Enrolments")
    default_auto_field = "django.db.models.BigAutoField"
