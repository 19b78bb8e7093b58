"""Open Badges routes, without a language prefix: include this module once at the root of elearn/urls.py."""

from django.urls import path

from certificates import credential_views

app_name = "credentials"

certificate_patterns = [
    path("certificates/status-list/", credential_views.status_list, name="status_list"),
    path("certificates/<str:code>/credential.jwt", credential_views.credential, name="credential"),
]

well_known_patterns = [
    path(".well-known/jwks.json", credential_views.jwks, name="jwks"),
    path(".well-known/openbadges-issuer.json", credential_views.issuer, name="issuer"),
]

urlpatterns = certificate_patterns + well_known_patterns
