"""Content Security Policy (settings.CONTENT_SECURITY_POLICY): strict for the site, wider for the Wagtail admin.

The public pages load scripts and styles from the platform's own origin only (no inline code), charts are images,
and the H5P player is a frame of the platform (or of H5P_PLAYER_ORIGIN) that sends its own, narrower policy
(h5p/views.py: django-csp leaves a response's own header alone). Wagtail's admin and wagtail-localize write some
inline scripts and many inline styles that cannot carry a nonce, so under /admin/ those two directives also allow
inline code, and admin pages may be framed by the admin (previews); everything else (objects, base URI, form
targets, connections) stays as strict there. Outside the admin no page may be framed (X-Frame-Options: DENY too),
but the H5P player, whose own policy names the lesson pages' origin.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIX = "/admin/"
ADMIN_UPDATE = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}
# Wagtail's page preview frames admin URLs in the admin (its views say X-Frame-Options: SAMEORIGIN).
ADMIN_REPLACE = {"frame-ancestors": [SELF]}


class CampusCSPMiddleware(CSPMiddleware):
    """django-csp's middleware: the site policy, plus the H5P player's origin as a frame source when it has its
    own, plus the public media origin (settings.MEDIA_ORIGIN: the S3 bucket or its CDN) for images and media, plus
    the admin's allowances under /admin/."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        if settings.H5P_PLAYER_ORIGIN:
            update["frame-src"] = [*update.get("frame-src", []), settings.H5P_PLAYER_ORIGIN]
        if getattr(settings, "MEDIA_ORIGIN", ""):  # images and media served from object storage or a CDN
            for directive in ("img-src", "media-src"):
                update[directive] = [*update.get(directive, []), settings.MEDIA_ORIGIN]
        if request.path_info.startswith(ADMIN_PREFIX):
            update.update(ADMIN_UPDATE)
            parts.replace = {**ADMIN_REPLACE, **(parts.replace or {})}
        parts.update = update or None
        return parts
