"""Production settings: refuse to start without the secrets and hosts a real deployment must provide."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CERTIFICATES_ROOT, env
from .storage import build_storages

ENVIRONMENT = "production"

_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env.str(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

STORAGES = build_storages(env, certificates_root=CERTIFICATES_ROOT,
                          staticfiles_backend="whitenoise.storage.CompressedManifestStaticFilesStorage")

# HTTPS everywhere; a proxy in front (nginx, a load balancer) terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed over plain HTTP inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# How many proxies (nginx; a load balancer in front of it adds one) append to X-Forwarded-For: the visitor's
# address, for sign-in and verification rate limits, is the entry the outermost one added (core/ratelimit.py).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Log collectors get one JSON object per line unless LOG_FORMAT says otherwise (core/logs.py).
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # noqa: F405
