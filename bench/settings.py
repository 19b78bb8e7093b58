"""Settings for bench/catalog.py only: production-like (DEBUG off, Redis cache, PostgreSQL) on one machine.

Never deploy with these: they extend the dev settings (throw-away secret key) and add the /bench/minimal/
baseline view through bench.urls.
"""

from elearn.settings.dev import *  # noqa: F403
from elearn.settings.dev import LOGGING, env

ENVIRONMENT = "bench"
DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/campus_bench")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {
    "default": {
        "BACKEND": "core.cache.DegradingRedisCache",  # as production (elearn/settings/base.py)
        "LOCATION": env.str("BENCH_CACHE_URL", default="redis://127.0.0.1:6379/9"),
    }
}
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as in production, where CACHE_URL is Redis

# As in production: static files are indexed once at start-up, not looked up again on every request.
WHITENOISE_AUTOREFRESH = False

LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
