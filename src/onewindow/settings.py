"""Settings, all overridable from the environment.

DATABASE_URL        default: SQLite file ./var/onewindow.sqlite3
ONEWINDOW_SECRET_KEY, ONEWINDOW_DEBUG (1/0), ONEWINDOW_ALLOWED_HOSTS (comma list)
ONEWINDOW_VAR_DIR   where the SQLite file and uploaded files live (default ./var)
REDIS_URL           optional: cache, sessions, rate limits, live-board push and background tasks (RQ) on Redis
DATABASE_REPLICA_URL optional: reports, dashboards, exports and public statistics read from a streaming replica
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ONEWINDOW_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("ONEWINDOW_DEBUG", False)
# The built-in key is for the demo and tests only: `onewindow serve` and `check --deploy` refuse it (core/checks.py).
BUILTIN_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("ONEWINDOW_SECRET_KEY", BUILTIN_SECRET_KEY)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ONEWINDOW_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("ONEWINDOW_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "onewindow.core",
    "onewindow.catalog",
    "onewindow.bundles",
    "onewindow.cases",
    "onewindow.hall",
    "onewindow.feedback",
    "onewindow.supervision",
    "onewindow.insights",
    "onewindow.navigator",
    "onewindow.community",
    "onewindow.intake",
    "onewindow.enterprise",
    "onewindow.team",
    "onewindow.listening",
    "onewindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onewindow.core.security.SecurityHeadersMiddleware",
    "onewindow.core.limits.RequestSizeLimitMiddleware",
    "onewindow.core.security.RejectNulBytesMiddleware",
    "onewindow.core.inputs.InputShapeMiddleware",
    # four page-only middlewares, passed by for /api/ (core.middleware.pages_only)
    "onewindow.core.middleware.PagesOnlyWhiteNoiseMiddleware",
    # Django's session and authentication middleware; without Redis the session row and its user's row are read in
    # one statement written once (core.session_auth: compiling two SELECTs was a fifth of a clerk request's CPU)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "onewindow.core.session_auth.AuthenticationMiddleware",
    "onewindow.core.middleware.PagesOnlyMessageMiddleware",
    "onewindow.core.middleware.PagesOnlyXFrameOptionsMiddleware",
    "onewindow.core.middleware.PagesOnlyHtmxMiddleware",
    "onewindow.core.middleware.RequestContextMiddleware",
    "onewindow.core.access.LoginRedirectMiddleware",
    "onewindow.core.error_pages.ErrorPageMiddleware",
    "onewindow.core.security.ApiCsrfMiddleware",
    "onewindow.core.dbrouter.ReportReadsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.core.context_processors.onewindow",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
        conn_max_age=int(os.environ.get("ONEWINDOW_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE makes writers queue up front
    # instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ONEWINDOW_SQLITE_TEST_NAME", "")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements for the statements written once (core.rows.cursor: the queue's and the session's
    # reads and the event writes bind server-side and are prepared after this many runs on a connection, so
    # PostgreSQL stops parsing and planning them on every request); the ORM keeps client-side binding, which
    # never prepares. `off` turns them off (a PgBouncer in transaction mode older than 1.21, or without
    # max_prepared_statements).
    _prepare = os.environ.get("ONEWINDOW_PG_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare in ("", "off", "none") else int(_prepare))

if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("ONEWINDOW_CONN_MAX_AGE", "0")))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["onewindow.core.dbrouter.ReportReplicaRouter"]
# After a successful write a browser reads from the primary for this many seconds (core.dbrouter), so its own
# write shows in the reports it opens next although the replica lags.
READ_YOUR_WRITES_SECONDS = int(os.environ.get("ONEWINDOW_READ_YOUR_WRITES_SECONDS", "15"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 10 characters for staff (a staff role, is_staff or superuser; also any account not yet saved), 8 for citizens
    {"NAME": "onewindow.core.passwords.RoleMinimumLengthValidator", "OPTIONS": {"staff_min": 10, "citizen_min": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Login lockout (django-axes): 5 failures for one username from one address lock that pair for 15 minutes, and
# 20 failures for one username from any number of addresses (password spraying) lock the username itself.
# axes compares one limit with the worst count; core.security.LockoutHandler gives each parameter its own limit.
# The axes backend comes first; it skips calls without a request (test clients' login()).
AUTHENTICATION_BACKENDS = [
    "onewindow.core.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ONEWINDOW_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("ONEWINDOW_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("ONEWINDOW_LOGIN_USERNAME_FAILURE_LIMIT", "20"))
AXES_HANDLER = "onewindow.core.security.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onewindow.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "onewindow.core.security.client_ip"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step (demo and small halls)
MEDIA_ROOT = VAR_DIR / "uploads"  # never served as static: downloads go through access-checked views

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("ONEWINDOW_SECURE_COOKIES", False)  # turn on behind HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx and the API clients read the token from the cookie
SESSION_COOKIE_AGE = int(os.environ.get("ONEWINDOW_SESSION_SECONDS", str(8 * 3600)))  # one working day
# the session row keeps its user's id, so a request reads both in one statement (core.session_auth); with Redis
# the cached_db store below replaces it
SESSION_ENGINE = "onewindow.core.session_auth"
if SESSION_COOKIE_SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("ONEWINDOW_HSTS_SECONDS", "31536000"))
# Reverse proxies whose X-Forwarded-For is believed (comma list of addresses/networks, e.g. 127.0.0.1/32):
# rate limits and the login lockout then key on the real client address, not nginx's.
TRUSTED_PROXIES = [n.strip() for n in os.environ.get("ONEWINDOW_TRUSTED_PROXIES", "").split(",") if n.strip()]
# Networks exempt from public rate limits (the hall's own kiosks, ticket machines, load tests).
RATE_LIMIT_EXEMPT = [n.strip() for n in os.environ.get("ONEWINDOW_RATE_LIMIT_EXEMPT", "").split(",") if n.strip()]

# Request size limits (docs/security.md): a body longer than ONEWINDOW["REQUEST_MAX_BYTES"] (multipart) or
# DATA_UPLOAD_MAX_MEMORY_SIZE (anything else) is refused with 413 before it is read (core.limits). Uploaded
# files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file on disk instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024  # JSON bodies (base64 files included) and form fields
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# Caches (docs/operations.md, "Scaling out"). Three aliases, each chosen for what it holds:
#   default    shared by every process and kept across restarts (the deploy check's memo of accounts checked,
#              the progress lookup's failure counters): the database table, or Redis with REDIS_URL.
#   ratelimit  public rate-limit counters (core.security.rate_limit), hit on every public write: process memory
#              in the embedded default (no database round trip; the limits then hold per server process), Redis
#              with REDIS_URL (one limit for the whole cluster).
#   figures    cached figures (core.cache.cached_figure): process memory, or Redis with REDIS_URL.
# With REDIS_URL, sessions are cached_db (read from Redis, written through to the database), background tasks go
# to RQ through django-tasks-rq (`onewindow worker` runs an RQ worker) and the live board is pushed through Redis
# publish/subscribe (core.live). Without it nothing but the database is needed.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    _redis_options = {"socket_connect_timeout": 2, "socket_timeout": 2, "retry_on_timeout": True}
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"ow:{alias}", "OPTIONS": _redis_options}
        for alias in ("default", "ratelimit", "figures")
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("ONEWINDOW_TASK_TIMEOUT", "600"))}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get("ONEWINDOW_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
            "LOCATION": os.environ.get("ONEWINDOW_CACHE_LOCATION", "onewindow_cache"),
        },
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "onewindow-ratelimit",
                      "OPTIONS": {"MAX_ENTRIES": 100_000}},
        "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "onewindow-figures",
                    "OPTIONS": {"MAX_ENTRIES": 10_000}},
    }
    TASKS = {
        "default": {
            "BACKEND": os.environ.get("ONEWINDOW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a refused request (4xx) logs one warning line, not a traceback; 5xx keep theirs (core.error_pages)
    "filters": {"one_line_client_errors": {"()": "onewindow.core.error_pages.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONEWINDOW_LOG_LEVEL", "WARNING")},
}

# Domain settings (configurable defaults; see docs/configuration.md)
ONEWINDOW = {
    # a case turns yellow when this many working days or fewer remain
    "DEADLINE_YELLOW_WORKDAYS": int(os.environ.get("ONEWINDOW_DEADLINE_YELLOW_WORKDAYS", "2")),
    # seconds a process trusts its cached calendar before re-reading the revision row
    "CALENDAR_REVISION_TTL": float(os.environ.get("ONEWINDOW_CALENDAR_REVISION_TTL", "1.0")),
    "BAD_REVIEW_FIX_WORKDAYS": 15,
    "SUGGESTION_DUE_WORKDAYS": 15,
    "DEFAULT_RATING_ENABLED": True,
    "DEFAULT_RATING_AFTER_DAYS": 7,
    "DEFAULT_RATING_LEVEL": "basic",
    # a rating link lives this many days, and rates only services finished within as many days (docs/feedback.md)
    "RATING_LINK_DAYS": 30,
    # a paired counter rating pad stays paired this many days; a pairing address is valid this many minutes
    "PAD_DEVICE_DAYS": 90,
    "PAD_PAIRING_MINUTES": 10,
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,  # one uploaded file
    # one request with files (multipart); nginx's client_max_body_size should match (docs/operations.md)
    "REQUEST_MAX_BYTES": int(os.environ.get("ONEWINDOW_REQUEST_MAX_MB", "30")) * 1024 * 1024,
    "NO_SHOW_POLICY": "requeue_once",  # or "close"
    "APPOINTMENT_GRACE_MINUTES": 15,
    "DEFAULT_SERVICE_MINUTES": 8,
    # demo only (never in production): every hall open at any hour, so the hall journey can be tried after closing
    "DEMO_HALLS_ALWAYS_OPEN": os.environ.get("ONEWINDOW_DEMO_HALLS_ALWAYS_OPEN", "") in ("1", "true", "yes"),
    # `onewindow retention` anonymises closed applications older than this many days
    "RETENTION_DAYS": int(os.environ.get("ONEWINDOW_RETENTION_DAYS", str(3 * 365))),
    # dotted path of the SMS sender (cases.notify); empty: the logging sender
    "SMS_SENDER": os.environ.get("ONEWINDOW_SMS_SENDER", ""),
}

SITE_NAME = _("一窗通办")
