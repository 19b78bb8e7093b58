"""Development and demo settings: SQLite, eager Celery and console e-mail unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

ENVIRONMENT = "dev"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or "insecure-dev-key-only-for-local-demo"  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Serve static files straight from the app folders; no collectstatic needed in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
