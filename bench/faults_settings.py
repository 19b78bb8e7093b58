"""Settings for bench/faults.py only: the catalogue bench's production-like settings on PRIVATE services that
the drill starts, stops and restarts (its own redis-server and PostgreSQL cluster), never the shared ones.

Also applies the settings the fault drills recommend (see the faults report in bench/README.md): broker socket
timeouts and a shorter publish retry, the degrading Redis cache, a mail timeout. Never deploy with these.
"""

from bench.settings import *  # noqa: F403
from bench.settings import CERTIFICATES_STORAGE, LOGGING, STORAGES, env

ENVIRONMENT = "bench-faults"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

DATABASES = {"default": env.db("FAULTS_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": {"BACKEND": "core.cache.DegradingRedisCache", "LOCATION": env.str("FAULTS_CACHE_URL")}}
PAGE_CACHE_ENABLED = True

CELERY_BROKER_URL = env.str("FAULTS_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("FAULTS_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
if env.str("FAULTS_RESTORE_INTERVAL", default=""):
    # The whole-worker drill: a restarted worker looks for unacknowledged tasks every few seconds (default: ~100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=env.int("FAULTS_RESTORE_INTERVAL"),
                                           unacked_restore_throttle=1)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}

CERTIFICATES_ROOT = env.path("FAULTS_CERTIFICATES_ROOT")
STORAGES = {**STORAGES, "certificates": {**CERTIFICATES_STORAGE, "OPTIONS": {
    **CERTIFICATES_STORAGE["OPTIONS"], "location": str(CERTIFICATES_ROOT)}}}

# Every e-mail the worker delivers is a file in FAULTS_OUTBOX: the drill counts them per recipient.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.str("FAULTS_OUTBOX")
EMAIL_TIMEOUT = 10

# The drill process itself logs nothing below CRITICAL (it provokes errors on purpose and prints its own table);
# the worker and gunicorn log to their files in the drill's work directory.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": env.str("FAULTS_LOG_LEVEL", default="WARNING")}}
