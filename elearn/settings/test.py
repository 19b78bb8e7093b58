"""Fast, quiet settings for pytest. DATABASE_URL selects PostgreSQL (CI); SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, CERTIFICATES_STORAGE, env
from .storage import build_storages

ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "insecure-test-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production's session engine (Redis there; one process here, so the local-memory cache is shared enough).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Unit tests read django.core.mail.outbox directly; the Celery e-mail path has its own tests.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".test-media")
H5P_ROOT = env.path("H5P_ROOT", default=BASE_DIR / ".test-media" / "h5p")
CERTIFICATES_STORAGE = {**CERTIFICATES_STORAGE, "OPTIONS": {**CERTIFICATES_STORAGE["OPTIONS"],
                                                            "location": str(BASE_DIR / ".test-media" / "certificates")}}
# AWS_STORAGE_BUCKET_NAME and S3_ENDPOINT_URL point the suite at an S3 service, as in production; S3_TEST_SERVER=1
# (tests/storage_backends.py) starts one in the test session instead.
STORAGES = build_storages(env, certificates_root=CERTIFICATES_STORAGE["OPTIONS"]["location"],
                          staticfiles_backend="django.contrib.staticfiles.storage.StaticFilesStorage")
# Unit tests run tasks in-process; tests marked celery_worker switch this off and use a real broker+worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "redis://127.0.0.1:6379/15"
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PAGE_CACHE_ENABLED = True
# Unit tests log staff in with force_login; tests/accounts/test_mfa_required.py switches the 2FA rule back on, and
# the demo's staff accounts have an authenticator anyway (browser tests type its code).
MFA_REQUIRED = False
