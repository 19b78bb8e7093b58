"""Who may see which certificate, and the learner's list."""

from certificates.models import Certificate


def certificate_by_code(code: str) -> Certificate | None:
    return Certificate.objects.select_related("template", "superseded_by", "user").filter(code=code).first()


def may_download(*, user, certificate: Certificate) -> bool:
    """The owner, the Secretariat, and the focal point of the learner's country (as recorded on the certificate)."""
    if not user.is_authenticated:
        return False
    if user.pk == certificate.user_id or user.is_superuser or user.is_secretariat:
        return True
    return bool(user.is_focal_point and certificate.country and str(user.focal_point_country) == certificate.country)


def learner_certificates(*, user) -> list[Certificate]:
    """The learner's current certificates (superseded ones are replaced by their successor), newest first."""
    return list(Certificate.objects.filter(user=user).exclude(status=Certificate.Status.SUPERSEDED)
                .order_by("-issued_on", "-pk"))
