"""Settings for bench/certificates.py only: the catalogue bench's production-like settings, plus a real Celery
broker, a private database, throw-away certificate storage and no e-mail delivery.

Never deploy with these (they extend bench.settings, i.e. the dev settings with a throw-away secret key).
"""

from bench.settings import *  # noqa: F403
from bench.settings import CERTIFICATES_STORAGE, STORAGES, env

ENVIRONMENT = "bench-certificates"

DATABASES = {"default": env.db("BENCH_CERTS_DATABASE_URL",
                               default="postgres://postgres@127.0.0.1:5432/bench_certs")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The pipeline reads no cache; a per-process one keeps this bench off the catalogue bench's Redis database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A real broker, never eager: tasks go through Redis to a separate worker process, as in production.
CELERY_BROKER_URL = env.str("BENCH_CERTS_BROKER_URL", default="redis://127.0.0.1:6379/13")
CELERY_TASK_ALWAYS_EAGER = False

# PDFs go to a temporary directory that bench/certificates.py creates and removes.
CERTIFICATES_ROOT = env.path("BENCH_CERTS_STORAGE")
STORAGES = {**STORAGES, "certificates": {**CERTIFICATES_STORAGE, "OPTIONS": {
    **CERTIFICATES_STORAGE["OPTIONS"], "location": str(CERTIFICATES_ROOT)}}}

# The "certificate issued" e-mail still goes through the production path (CeleryEmailBackend queues an
# email_send task that the worker runs), but delivery is the dummy backend: nothing is sent, nothing is kept in
# memory (locmem would grow the worker's outbox by one message per certificate and skew the memory figure).
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
