"""Settings shared by every environment. Everything that differs between machines comes from the environment.

Every variable read here is listed, with its meaning, in `.env.example` and the README's configuration table;
`tests/test_settings_env.py` keeps the three in step.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from .storage import build_storages, media_origin

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

ENVIRONMENT = "base"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No default: dev and test fill in a throw-away key, production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="")
# Previous SECRET_KEYs, comma-separated, while rotating: sessions, password-reset links and H5P player addresses
# signed with them stay valid until they expire (docs/operations.md, "Rotating secrets").
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates override third-party ones.
    "core",
    "accounts",
    "crm",
    "home",
    "courses",
    "enrolments",
    "quizzes",
    "h5p",
    "certificates",
    "seminars",
    "metrics",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.CampusUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    # Metrics API (metrics/api.py)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
]

MIDDLEWARE = [
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.CampusCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.mfa.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "elearn.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "elearn.wsgi.application"

# SQLite is only the zero-setup default of `make demo`; PostgreSQL (psycopg 3) whenever DATABASE_URL is set.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# Re-check persistent connections so a restarted PostgreSQL does not need an app restart.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# A session lasts at most a working day from sign-in (Moodle's default idle limit is 8 hours too), so a shared
# computer in a consulate does not stay signed in overnight; without "remember me" it also ends with the browser.
SESSION_COOKIE_AGE = 8 * 60 * 60
LOGIN_REDIRECT_URL = "/"

# --- Languages -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", "Español"),
    ("en", "English"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Mexico_City"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The H5P player, installed by `npm ci` from package-lock.json (never copied into the repository).
    ("h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Certificates are private: they live outside MEDIA_ROOT and only certificates views hand them out.
CERTIFICATES_ROOT = env.path("CERTIFICATES_ROOT", default=BASE_DIR / "var" / "certificates")
# Public verification lookups per client IP: (requests, window in seconds); enumeration stays impractical.
CERTIFICATE_VERIFY_RATE = (30, 600)
CERTIFICATES_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(CERTIFICATES_ROOT), "base_url": "/certificates-not-served/"}}
# Extracted packages live outside MEDIA_ROOT: only the h5p views serve them, to users allowed to see the lesson.
H5P_ROOT = env.path("H5P_ROOT", default=BASE_DIR / "var" / "h5p")
# "default", "certificates" and "h5p" are an S3 bucket when AWS_STORAGE_BUCKET_NAME is set, else the folders above
# (elearn/settings/storage.py; production and test build theirs the same way).
STORAGES = build_storages(env, certificates_root=CERTIFICATES_ROOT,
                          staticfiles_backend="django.contrib.staticfiles.storage.StaticFilesStorage")
# Where public media is served from when it is not this site (S3, a CDN): pages' CSP allows its images.
MEDIA_ORIGIN = media_origin(env)
# Documents are always streamed by Wagtail's view (collection permissions apply), never linked in the bucket.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Wagtail -------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Campus CRM"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
# The Wagtail admin signs in through allauth, so rate limits, verification and 2FA apply to it too.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No avatars from gravatar.com: the admin would send a hash of every editor's e-mail to a third party, and the
# content security policy allows images from the platform only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt"]

# --- Accounts (django-allauth) -------------------------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Campus CRM] "
# Failed logins: at most 10 a minute per address and 5 per 5 minutes for one account (allauth counts them
# in the cache, so production shares them through Redis).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Focal points, the Secretariat and superusers must sign in with an authenticator app (accounts/mfa.py).
MFA_REQUIRED = True
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
MFA_TOTP_ISSUER = "Campus CRM"

# --- Cache ---------------------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# A Redis cache that is down or hung answers as an empty cache (core/cache.py) instead of failing every request.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.DegradingRedisCache"

# Sessions are read from the shared cache and written through to the database (cached_db): no query per request,
# and nobody is signed out when Redis restarts or is down (the degrading cache then answers empty and the
# database row is read). A per-process cache (no CACHE_URL: the demo) keeps plain database sessions.
_SHARED_CACHE = CACHES["default"]["BACKEND"] == "core.cache.DegradingRedisCache"
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if _SHARED_CACHE else 'db'}"

# Whole-page cache of anonymous catalogue and course pages (courses/cache.py). Needs a cache shared by all
# web processes, so it is on by default only when CACHE_URL names one.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=bool(env.str("CACHE_URL", default="")))
PAGE_CACHE_TIMEOUT = 600

# Called once when a learner completes a course (enrolments/events.py).
COURSE_COMPLETED_HANDLERS: list[str] = [
    "enrolments.notifications.course_completed_email",
    "certificates.services.certificate_on_course_completed",
]

# --- E-mail --------------------------------------------------------------------------------------------
# Views never talk to a mail server: EMAIL_BACKEND queues each message as a Celery task, and the task
# delivers it with the backend described by EMAIL_URL (smtp://..., consolemail://, filemail:////absolute/path).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_DELIVERY_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
# Django waits on an SMTP server without limit by default: a hung one held the task until its time limit.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Campus CRM <no-reply@campus-crm.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery --------------------------------------------------------------------------------------------
# Without a broker (the demo) tasks run eagerly in-process; with CELERY_BROKER_URL they go to Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's worker processes grow by a few MB per hundred PDFs (bench/certificates.py): recycle each child after
# 1,000 tasks (about 500 certificates with their e-mails), at the cost of one cold start of 1-3 s.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
# ...and as soon as a child passes ~250 MB resident (KiB), whichever comes first.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 250_000
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Queues: one per kind of work, each consumed by its own workers (docker-compose.yml), so a burst of one kind never
# waits behind another: a hundred certificate PDFs queued by a bulk job do not hold back a password-reset e-mail.
#   email    every outgoing message (core.tasks.email_send): short, many, and someone is waiting for it
#   pdf      one document rendered with WeasyPrint: a certificate or a metrics report (tasks named *_render)
#   bulk     jobs over many rows that may run for minutes: bulk enrolment files, certificate jobs (issue missing,
#            regenerate, ZIP: one task renders a whole course's PDFs, so it stays off `pdf`, where single
#            certificates wait), the metrics snapshots and the nightly offerings rebuild
#   default  the rest: xAPI counting and forwarding (short, one statement each) and every sweep, which only
#            queries and queues, so the periodic catch-up never waits behind a long job
# A worker started without -Q (the demo's, bench/) consumes all four.
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("default", "email", "pdf", "bulk")]
CELERY_TASK_DEFAULT_QUEUE = "default"
# Routed by task name, first match wins (Celery's ordered list of glob patterns), so a new task lands by its name:
# a sweep anywhere on `default`, a new *_render on `pdf`, a new bulk_* task of enrolments on `bulk`. Tests check
# that every registered task lands on a queue some docker-compose worker consumes (tests/deploy/).
CELERY_TASK_ROUTES = ([
    ("*_sweep", "default"),
    ("*_pending", "default"),
    ("core.tasks.email_*", "email"),
    ("*_render", "pdf"),
    ("enrolments.tasks.bulk_*", "bulk"),
    ("certificates.tasks.certificate_job_*", "bulk"),
    ("metrics.tasks.*", "bulk"),
],)
# An e-mail that has not gone out within a minute is stuck on a trickling server (each SMTP step already gives up
# after EMAIL_TIMEOUT and is retried): it must not hold an e-mail worker for the general five minutes.
CELERY_TASK_ANNOTATIONS = {"core.tasks.email_send": {"soft_time_limit": 45, "time_limit": 60}}
# Redis hands an unacknowledged task out again after the visibility timeout, so it must exceed the longest time a
# worker may hold one: the longest time limit (metrics_snapshot_all, 3,300 s) and the longest retry countdown plus
# the general time limit (xapi_forward waits up to 3,600 s before a retry, holding the message meanwhile); two
# hours covers both (tests/deploy/test_queues.py). The cost: tasks of a worker killed outright come back after
# two hours, or sooner through their sweeps.
# Socket timeouts: kombu gives the Redis broker none, and a broker that accepts connections but never answers
# held a request's .delay() forever (tests/faults); with them a publish gives up within ~2 s and the sweeps
# queue the work later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60, "socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Run by exactly one `celery beat` (docker-compose.yml): a second one would queue every entry twice. The tasks
# are idempotent, so a double tick does no harm, but it doubles the load.
CELERY_BEAT_SCHEDULE = {
    # xAPI statements not yet counted in learners' results a minute after they were stored (broker down, task lost).
    "xapi-aggregate-pending": {"task": "h5p.tasks.xapi_aggregate_pending", "schedule": 60},
    # Statements the LRS has not accepted yet (broker or LRS down at the time); does nothing without XAPI_LRS_URL.
    "xapi-forward-pending": {"task": "h5p.tasks.xapi_forward_pending", "schedule": 15 * 60},
    # Certificates that completion should have produced but did not (broker or worker down at the time).
    "certificate-sweep": {"task": "certificates.tasks.certificate_sweep", "schedule": 10 * 60},
    # Seminar reminders 48 h and 2 h ahead; each is claimed before sending, so a double run sends nothing twice.
    "seminar-reminders": {"task": "seminars.tasks.seminar_reminders", "schedule": 5 * 60},
    # Bulk enrolment and certificate jobs whose task was never queued (broker down when they were requested).
    "bulk-enrolment-sweep": {"task": "enrolments.tasks.bulk_enrolment_sweep", "schedule": 10 * 60},
    "certificate-job-sweep": {"task": "certificates.tasks.certificate_job_sweep", "schedule": 10 * 60},
    # Metrics reports still waiting after a broker or worker outage.
    "metrics-report-sweep": {"task": "metrics.tasks.metrics_report_sweep", "schedule": 10 * 60},
    # Offerings recomputed from the live pages (publish keeps them current; this repairs anything else).
    "metrics-offerings-rebuild": {"task": "metrics.tasks.metrics_offerings_rebuild", "schedule": 24 * 60 * 60},
    # Stored dashboard figures (metrics.snapshot): the periods still changing every ten minutes, all of them
    # nightly. Figures older than 26 hours are never shown (the dashboard then counts live).
    "metrics-snapshot-recent": {"task": "metrics.tasks.metrics_snapshot_recent", "schedule": 10 * 60},
    "metrics-snapshot-all": {"task": "metrics.tasks.metrics_snapshot_all", "schedule": 24 * 60 * 60},
}

# --- Logging -------------------------------------------------------------------------------------------
# One line per record on standard output, for the container's log collector. LOG_FORMAT=json (production's
# default) writes one JSON object per line; every line names its request (core/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Wagtail runs its search-index and reference-index updates as django-tasks; one line per run is noise.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
# Celery workers log through the configuration above (same format, request ids) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- H5P -----------------------------------------------------------------------------------------------
# A separate, cookieless origin (e.g. https://h5p.campus.example.org) that serves the same application: the
# player's third-party library code then runs in a sandboxed frame away from the platform's cookies and pages.
H5P_PLAYER_ORIGIN = env.str("H5P_PLAYER_ORIGIN", default="").rstrip("/")
H5P_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
H5P_MAX_ENTRIES = 5000
H5P_MAX_FILE_BYTES = 20 * 1024 * 1024
H5P_MAX_TOTAL_BYTES = 200 * 1024 * 1024
H5P_MAX_RATIO = 100
H5P_STATE_MAX_BYTES = 64 * 1024
XAPI_STATEMENT_MAX_BYTES = 64 * 1024

# --- Content Security Policy (django-csp; core/csp.py adds the admin's inline allowances) ------------------
# Same-origin scripts and styles only, no inline code on the site; charts are images. The H5P player frame sends
# its own narrower policy (h5p/views.py), and may come from H5P_PLAYER_ORIGIN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],  # and H5P_PLAYER_ORIGIN when set (core/csp.py)
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Only the H5P player may be framed (by lesson pages; its view is exempt and its policy says by whom).
X_FRAME_OPTIONS = "DENY"
# Forward stored xAPI statements to a Learning Record Store (statements resource URL), with basic auth.
XAPI_LRS_URL = env.str("XAPI_LRS_URL", default="")
XAPI_LRS_USERNAME = env.str("XAPI_LRS_USERNAME", default="")
XAPI_LRS_PASSWORD = env.str("XAPI_LRS_PASSWORD", default="")

# --- Metrics API (metrics/api.py) ------------------------------------------------------------------------
# The API's views set their own authentication (token, session), permission and JSON renderer; DRF's global
# defaults stay as they are because Wagtail's admin API and wagtail-localize also run on DRF.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"metrics": "120/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Campus CRM metrics API",
    "DESCRIPTION": "Read-only capacity metrics, scoped like the dashboard (README: Metrics API).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": ["rest_framework.authentication.TokenAuthentication",
                             "rest_framework.authentication.SessionAuthentication"],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Only /api/v1/: the admin's DRF views are not part of this API.
    "PREPROCESSING_HOOKS": ["metrics.api.schema_endpoints"],
}

COUNTRIES_FIRST = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]
COUNTRIES_FIRST_BREAK = "——————"

# --- Open Badges credentials (certificates/credentials.py) -----------------------------------------------
# Ed25519 private key, PKCS8 PEM (`openssl genpkey -algorithm ed25519`); newlines may be written as \n. Empty:
# a development key derived from SECRET_KEY (check --deploy warns). To rotate it, put the old key's public half
# (PEM) in CERTIFICATE_SIGNING_KEYS_RETIRED: credentials it signed keep verifying (docs/operations.md).
CERTIFICATE_SIGNING_KEY = env.str("CERTIFICATE_SIGNING_KEY", default="", multiline=True).strip()
CERTIFICATE_SIGNING_KEYS_RETIRED = env.str("CERTIFICATE_SIGNING_KEYS_RETIRED", default="", multiline=True).strip()
