"""E-mail to the learner when a certificate is ready, in the learner's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from certificates.models import Certificate


def certificate_issued_email(certificate: Certificate) -> None:
    user = certificate.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "certificate": certificate,
                   "download_url": settings.SITE_URL + reverse("certificates:download", args=[certificate.code]),
                   "verify_url": settings.SITE_URL + reverse("certificates:verify", args=[certificate.code]),
                   "dashboard_url": settings.SITE_URL + reverse("enrolments:dashboard")}
        subject = " ".join(render_to_string("certificates/email/issued_subject.txt", context).split())
        body = render_to_string("certificates/email/issued_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
