from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap as sitemap_view
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from accounts.views import activate_totp_for_staff
from core.sitemaps import MultilingualSitemap
from core.views import healthz
from courses.cache import cached_serve

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Wagtail's own login form would bypass allauth's rate limits, e-mail verification and 2FA.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The H5P player and its files (also served from H5P_PLAYER_ORIGIN when set): no language prefix.
    path("h5p/", include("h5p.urls")),
    # Open Badges: public key, issuer, revocation list and credential downloads; no language prefix.
    path("", include("certificates.credential_urls")),
    # Read-only metrics API for BI tools and its OpenAPI schema; no language prefix.
    path("api/v1/", include("metrics.api_urls")),
    path("sitemap.xml", sitemap_view, {"sitemaps": {"pages": MultilingualSitemap}}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("accounts/2fa/totp/activate/", activate_totp_for_staff),
    path("accounts/my-data/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("enrolments/", include("enrolments.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("certificates/", include("certificates.urls")),
    path("seminars/", include("seminars.urls")),
    # Anonymous visitors get cacheable pages from the cache before Wagtail routes the request.
    re_path(serve_pattern, cached_serve, name="campus_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
