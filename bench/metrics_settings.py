"""Settings for bench/metrics.py only: the catalogue bench's production-like settings (DEBUG off, PostgreSQL)
with a private database and a per-process cache.

Never deploy with these (they extend bench.settings, i.e. the dev settings with a throw-away secret key).
"""

from bench.settings import *  # noqa: F403
from bench.settings import ALLOWED_HOSTS, env

ENVIRONMENT = "bench-metrics"

DATABASES = {"default": env.db("BENCH_METRICS_DATABASE_URL",
                               default="postgres://postgres@127.0.0.1:5432/bench_metrics")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The dashboard's charts are cached for five minutes; the bench clears this per-process cache before timing a
# chart, so it measures the computation, and keeps off the catalogue bench's Redis database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Requests are made in-process with django.test.Client, whose default host is "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
