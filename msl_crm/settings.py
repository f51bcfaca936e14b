"""Settings for the MSL field CRM, read from environment variables only.

Development defaults need nothing set: SQLite in the project folder and Celery running tasks
in-process. DJANGO_ENV=production switches DEBUG off and every secure setting on, and then a
missing SECRET_KEY stops the process instead of running with a guessable key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Only the process environment counts: a stray .env file (docker compose reads one for its
# own variables) must never switch a developer's checkout into production.
env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}."
    )
IS_PRODUCTION = DJANGO_ENV == "production"

if IS_PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DJANGO_ENV=production; refusing to start without it."
        )
else:
    # Only ever used on a developer's machine; production refuses to start without its own.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-7f3c1e9a2b5d4c8e0f6a1b3d5e7c9a2b4d6f8e0a"
    )

DEBUG = False if IS_PRODUCTION else env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "catalog",
    "compliance",
    "kols",
    "interactions",
    "inquiries",
    "reports",
    "literature",
    "events",
    "today",
    "api",
    "bench",
]

MIDDLEWARE = [
    "msl_crm.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and the user are read: see msl_crm/page_cache.py.
    "msl_crm.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "compliance.middleware.AuditContextMiddleware",
    # Axes must come last so it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

# The benchmark reads each response's server time and query count (msl_crm/timing.py).
SERVER_TIMING = env.bool("SERVER_TIMING", default=False)
if SERVER_TIMING:
    MIDDLEWARE.insert(0, "msl_crm.timing.ServerTimingMiddleware")

ROOT_URLCONF = "msl_crm.urls"
WSGI_APPLICATION = "msl_crm.wsgi.application"
ASGI_APPLICATION = "msl_crm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "events.context_processors.training_warning",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE; taking the write lock when a transaction starts
    # makes concurrent writers queue (up to the timeout) instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries, not for a web page's: above its
    # cost threshold it spent 40 ms compiling a query that then ran in 30 ms. A random page
    # read costs about what a sequential one does on SSDs: at the default (4) the planner
    # read an MSL's 10,000 interactions to find one KOL's 10 rather than follow an index.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )
# The same backends, watched for the page cache (msl_crm/db/).
WATCHED_ENGINES = {
    "django.db.backends.postgresql": "msl_crm.db.postgresql",
    "django.db.backends.sqlite3": "msl_crm.db.sqlite3",
}
DATABASES["default"]["ENGINE"] = WATCHED_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the user's roles (and the training banner's flag) with the
    # user in one query on every request.
    "accounts.backends.RequestUserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: lock the pair (username, address) so that an attacker guessing one
# user's password is stopped, while the same attacker cannot lock the real user out from
# the user's own address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One address spraying many usernames (accounts/throttle.py): a higher limit, the same pause.
SIGN_IN_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FAILURES_PER_ADDRESS", default=50)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# How many reverse proxies (load balancer, TLS terminator) stand in front of the app. Their
# X-Forwarded-For entries give the real client address; with 0 the header is ignored, as a
# client could write anything there.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "compliance.context.client_ip"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only production collects static files; in development they are served from their sources.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles") if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Receipts and certificates: outside the web root, served only by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names and compression need a collectstatic step, which only the production
        # image runs; development and tests serve the files as they are.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Small uploads stay in memory; a larger one goes to a temporary file that keeps no more than
# the largest file any form accepts, however much is sent.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "msl_crm.uploads.BoundedUploadHandler",
]
# No form takes more than one file: a request of more is refused (400) before it can write
# a hundred bounded files, Django's default.
DATA_UPLOAD_MAX_NUMBER_FILES = 2

# Select boxes with hundreds of options (KOLs of a territory) are written in Python.
FORM_RENDERER = "msl_crm.form_rendering.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: everything comes from this server, nothing runs inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form and navbar icons as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Sessions and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Whatever the cookie says: signed out after this long idle, and after this long in all.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=SESSION_COOKIE_AGE)
# A second factor (TOTP) for managers, compliance admins and administrators; on by default
# in production, off for the local demo (whose users have no authenticator app).
MFA_ENFORCED = env.bool("MFA_ENFORCED", default=IS_PRODUCTION)
OTP_TOTP_ISSUER = "MSL CRM"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The app runs behind a TLS-terminating proxy that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: without REDIS_URL tasks run in-process, so the zero-setup demo needs no broker.
REDIS_URL = env.str("REDIS_URL", default="")
if IS_PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required when DJANGO_ENV=production.")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# With acks_late a task whose worker dies is delivered again rather than lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, sharing one client per server (msl_crm/redis_cache.py).
            "BACKEND": "msl_crm.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Every commit now also writes to Redis: a Redis that hangs must fail fast
            # (pages are then built and the failure logged), not hold every write.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Every page read its session from the database; with a cache all processes share, it
    # is read from Redis, and still written to the database so it survives a cache flush.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Whole pages kept until anything they read changes (msl_crm/page_cache.py). Only with a
# cache every process shares: each process's own memory would miss the others' writes.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(REDIS_URL))
if PAGE_CACHE and not (REDIS_URL and DATABASES["default"]["ENGINE"] in WATCHED_ENGINES.values()):
    raise ImproperlyConfigured(
        "PAGE_CACHE needs REDIS_URL (a cache every process shares: one process's memory misses "
        "the others' writes) and PostgreSQL or SQLite (whose writes it watches)."
    )

# E-mail: printed to the console unless EMAIL_URL names a real server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MSL CRM <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admins", address) for address in env.list("ADMINS", default=[])]

# Interactions: how far back one may be logged, and how long its owner may edit it after
# submitting before it locks (compliance can change both).
INTERACTION_MAX_BACKDATE_DAYS = env.int("INTERACTION_MAX_BACKDATE_DAYS", default=30)
INTERACTION_LOCK_WINDOW_HOURS = env.int("INTERACTION_LOCK_WINDOW_HOURS", default=72)
# Lists with filters count their rows up to this many and page through those; the filters
# reach the rest (msl_crm/listing.py, api/pagination.py). A COUNT over all 500,000
# interactions compliance sees took 23 ms of every page and grew with each year of history;
# the first 10,000 count in 2 to 4 ms at any size.
LIST_ROWS_COUNTED = env.int("LIST_ROWS_COUNTED", default=10_000)
if LIST_ROWS_COUNTED < 1_000:
    raise ImproperlyConfigured(
        f"LIST_ROWS_COUNTED is {LIST_ROWS_COUNTED}; lists must count at least 1,000 rows."
    )
# Fetch publications and trials from PubMed and ClinicalTrials.gov on a schedule; off by
# default (pharma networks often block outbound calls): files can always be imported.
LITERATURE_FETCH_ENABLED = env.bool("LITERATURE_FETCH_ENABLED", default=False)
NCBI_API_EMAIL = env.str("NCBI_API_EMAIL", default="")
# Where safety reports go until an admin sets the mailbox in the compliance policy.
DRUG_SAFETY_MAILBOX = env.str("DRUG_SAFETY_MAILBOX", default="drug-safety@example.com")

# The password the demo users get from seed_demo.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="msl-demo-password")
DEMO_KOLS_PER_TERRITORY = env.int("DEMO_KOLS_PER_TERRITORY", default=80)
DEMO_HISTORY_WEEKS = env.int("DEMO_HISTORY_WEEKS", default=26)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Times in UTC with the zone written, whatever the server's clock zone.
    "formatters": {
        "plain": {
            "()": "msl_crm.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The REST API (/api/v1/): tokens for integrations, the session for the browser; every list
# paginated; each token (or browser user) throttled against bulk extraction.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CountedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_RATE_LIMIT", default="2000/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MSL CRM API",
    "DESCRIPTION": "KOLs, interactions with insights, follow-ups, inquiries, safety reports, "
    "report snapshots and the catalog, scoped and checked exactly as the web pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the drf-spectacular-sidecar package: served locally, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InteractionTypeEnum": "interactions.models.InteractionType",
        "InstitutionTypeEnum": "kols.models.InstitutionType",
    },
}
