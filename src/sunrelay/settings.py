"""Project wiring. Every setting comes from the environment, with safe local defaults.

DATABASE_URL  any dj-database-url URL; default: SQLite at var/sunrelay.sqlite3
REDIS_URL     when set, Huey keeps its queue in Redis; otherwise in SQLite at var/huey.sqlite3
SECRET_KEY    default: a random key kept in var/secret-key (never committed)
DEBUG         "1"/"true" to turn on; off by default
ALLOWED_HOSTS comma-separated; default: localhost, 127.0.0.1, [::1]
SUNRELAY_VAR  where local state lives; default: ./var
SUNRELAY_URL  the hub's public address, for links in emails and chat; default: http://localhost:8000
SMTP_URL      smtp://host:25, smtp+starttls://user:pass@host:587 or smtps://…; email is off unset
SUNRELAY_MAIL_FROM  the sender of Sunrelay's email; default: sunrelay@localhost
SUNRELAY_OUTBOUND_ALLOW  networks/hosts besides the public internet that Slack and webhook
              deliveries may reach, e.g. 10.0.0.0/8,hooks.internal; default: none
SUNRELAY_BOTS GitHub logins that are machines though GitHub calls them users (comma-separated);
              logins ending in [bot] and accounts of type Bot are machines anyway
SUNRELAY_REPOS  where local clones of the components' repositories live, as OWNER/NAME
              folders, for truck factors; default: var/repos
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SUNRELAY_VAR", Path.cwd() / "var")).resolve()
REPOS_DIR = Path(os.environ.get("SUNRELAY_REPOS", VAR_DIR / "repos")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "axes",  # sign-in throttling
    "ninja",  # serves its Swagger UI assets itself instead of from a CDN
    "sunrelay.core",
    "sunrelay.people",
    "sunrelay.notify",
    "sunrelay.decisions",
    "sunrelay.cadence",
    "sunrelay.oncall",
    "sunrelay.incidents",
    "sunrelay.delivery",
    "sunrelay.work",
    "sunrelay.health",
    "sunrelay.knowledge",
    "sunrelay.access",
    "sunrelay.onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sunrelay.core.middleware.ViewerZoneMiddleware",
    "sunrelay.core.middleware.RefuseNulMiddleware",
    "sunrelay.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "sunrelay.urls"
WSGI_APPLICATION = "sunrelay.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sunrelay.people.context.viewer",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sunrelay.sqlite3'}",
        # connections are kept a minute and checked before reuse, not opened per request
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web process read while the other writes. IMMEDIATE takes the
    # write lock when a transaction begins, so a read-then-write transaction waits its turn
    # (up to the 20 s timeout) instead of failing at once when it upgrades its lock; and this
    # process's transactions queue for their turn before they ask SQLite (core.sqlite).
    DATABASES["default"]["ENGINE"] = "sunrelay.core.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
    # Tests use a file too: an in-memory database locks whole tables, so concurrent workers
    # would fail there in ways a real install never does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-sunrelay.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The largest request body read (an Alertmanager delivery of a few thousand alerts fits);
# a larger one is answered 413 in the API and 400 in the hub.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (django-axes): five wrong passwords for one username from one address lock
# that pair out for 15 minutes, even with the right password; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# invitations (people.service.invite_link) are password-reset links: one use, a week
PASSWORD_RESET_TIMEOUT = 7 * 86_400

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True  # serve app assets straight from the packages, no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

SUNRELAY_URL = os.environ.get("SUNRELAY_URL", "http://localhost:8000").rstrip("/")
SUNRELAY_BOTS = [x.strip() for x in os.environ.get("SUNRELAY_BOTS", "").split(",") if x.strip()]
SMTP_URL = os.environ.get("SMTP_URL", "")
SUNRELAY_MAIL_FROM = os.environ.get("SUNRELAY_MAIL_FROM", "sunrelay@localhost")
# Slack and webhook deliveries go to public addresses only; these networks or host names are
# allowed besides, for receivers inside your own network (integrations/outbound.py).
OUTBOUND_ALLOW = [
    a.strip() for a in os.environ.get("SUNRELAY_OUTBOUND_ALLOW", "").split(",") if a.strip()
]

REDIS_URL = os.environ.get("REDIS_URL", "")
_huey_common = {"name": "sunrelay", "immediate": _flag("HUEY_IMMEDIATE"), "utc": True}
if REDIS_URL:
    HUEY = {**_huey_common, "huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL}
else:
    HUEY = {
        **_huey_common,
        "huey_class": "huey.SqliteHuey",
        "filename": os.environ.get("HUEY_SQLITE", str(VAR_DIR / "huey.sqlite3")),
    }
HUEY["consumer"] = {"workers": 2, "worker_type": "thread", "periodic": True}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "sunrelay.core.logs.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # the HTTP client logs every request with its address (at DEBUG), and an outbound
        # webhook's address is often its credential (a Slack incoming webhook's path is it)
        "urllib3": {"level": "WARNING"},
    },
}

VAR_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(exist_ok=True)
