"""fangkong settings: one flat module, every value from a ``FANGKONG_`` variable.

Each value has a safe default; a malformed value stops the process at start
rather than running with a guess. ``docs/configuration.md`` lists them all.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("FANGKONG_VAR_DIR", Path.cwd() / "var")).resolve()


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        # sqlite:////abs/path is absolute, sqlite:///rel/path relative to the working directory.
        path = path[1:] if path.startswith("/") else path
        name = path or str(VAR_DIR / "fangkong.sqlite3")
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Without persistent connections, opening SQLite and applying the
            # pragmas dominates every request (DESIGN.md, stack).
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA cache_size=-32000;"
                ),
            },
            "TEST": {"NAME": os.environ.get("FANGKONG_TEST_SQLITE_NAME") or None},
        }
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        pool = env_bool("FANGKONG_DB_POOL", True)
        options: dict[str, object] = {}
        if pool:
            options["pool"] = {
                "min_size": 1,
                "max_size": env_int("FANGKONG_DB_POOL_SIZE", 8, minimum=1),
                "timeout": 10,
            }
        # JIT compilation costs ~10 ms and pays only on long analytic queries; the planner
        # switched it on for the chain walk on a large table, 12 ms instead of 1 ms
        # (docs/performance.md, cases_bench). A URL's own ?options=... replaces this.
        options["options"] = "-c jit=off"
        # Statements are prepared on the server only where core.bulk asks for it (the
        # upload's insert: one of a few texts, its plan the same whatever the rows).
        # Django turns psycopg's prepared statements off (prepare_threshold None), and
        # then psycopg ignores every request to prepare. A threshold no query reaches
        # lets those requests through and prepares nothing by count; Django's own
        # cursors bind on the client and are never prepared.
        options["prepare_threshold"] = 2**31
        options.update(query)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "fangkong",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # The pool keeps connections; Django's own persistence must be off with it.
            "CONN_MAX_AGE": 0 if pool else 600,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"FANGKONG_DATABASE_URL must start with sqlite:// or postgres://, not {url!r}"
    )


DEMO = env_bool("FANGKONG_DEMO", False)
DEBUG = env_bool("FANGKONG_DEBUG", False)

SECRET_KEY = os.environ.get("FANGKONG_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or env_bool("FANGKONG_TESTING", False):
        SECRET_KEY = "insecure-demo-key-never-use-in-production-0123456789abcdef"
    else:
        raise ImproperlyConfigured(
            "FANGKONG_SECRET_KEY is required outside demo and debug mode "
            "(a long random string; see docs/configuration.md)"
        )

# Personal-data field keys: "id=base64key,old=base64key", the first one encrypts.
FANGKONG_FIELD_KEYS = env_str("FANGKONG_FIELD_KEYS", "")
FANGKONG_BLIND_INDEX_KEY = env_str("FANGKONG_BLIND_INDEX_KEY", "")
if not (DEBUG or DEMO or env_bool("FANGKONG_TESTING", False)):
    for _name in ("FANGKONG_FIELD_KEYS", "FANGKONG_BLIND_INDEX_KEY"):
        if not os.environ.get(_name):
            raise ImproperlyConfigured(
                f"{_name} is required outside demo and debug mode "
                "(generate the keys with: fangkong genkey)"
            )

ALLOWED_HOSTS = env_list("FANGKONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("FANGKONG_CSRF_TRUSTED_ORIGINS", [])
FANGKONG_CLIENT_IP_HEADER = env_str("FANGKONG_CLIENT_IP_HEADER", "")
# The hotline the public pages give (12320: the national health hotline).
FANGKONG_HOTLINE = env_str("FANGKONG_HOTLINE", "12320")

DATABASES = {
    "default": database_from_url(
        env_str("FANGKONG_DATABASE_URL", f"sqlite:///{VAR_DIR / 'fangkong.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "fangkong.core",
    "fangkong.orgunits",
    "fangkong.accounts",
    "fangkong.people",
    "fangkong.screening",
    "fangkong.checkpoints",
    "fangkong.observation",
    "fangkong.cases",
    "fangkong.reports",
    "fangkong.bulletin",
    "fangkong.dashboard",
    "fangkong.notices",
    "fangkong.tips",
    "fangkong.supplies",
    "fangkong.duty",
    "fangkong.places",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fangkong.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "fangkong.core.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fangkong.core.middleware.AuditContextMiddleware",
]

# Background work (registry imports): rows in the database, run by `fangkong db_worker`,
# which `fangkong serve` starts beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# "kept": counts of a whole subtree kept for every server worker (core.kept), in a table of
# the database, made by `fangkong migrate`. A count that took longer than this many
# seconds is kept; shorter ones are counted afresh on every view.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "kept": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "core_kept",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
FANGKONG_KEEP_SLOWER_THAN: float | None = 0.05

ROOT_URLCONF = "fangkong.urls"
WSGI_APPLICATION = "fangkong.wsgi.application"

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
                "fangkong.core.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("FANGKONG_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A shift is at most 12 hours; an idle phone is logged out after the idle limit.
SESSION_COOKIE_AGE = env_int("FANGKONG_SESSION_IDLE_SECONDS", 8 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("FANGKONG_SESSION_REFRESH_SECONDS", 300, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FANGKONG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# While a deployment tries a change of the policy: report breaches in the browser console
# instead of blocking them.
FANGKONG_CSP_REPORT_ONLY = env_bool("FANGKONG_CSP_REPORT_ONLY", False)

# Login throttling: failures counted per user name and per address in a window.
LOGIN_MAX_FAILURES_PER_USER = env_int("FANGKONG_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("FANGKONG_LOGIN_MAX_FAILURES_PER_ADDRESS", 30, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("FANGKONG_LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("FANGKONG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["fangkong.formats"]
LANGUAGE_COOKIE_NAME = "fangkong_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("FANGKONG_TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO
MEDIA_ROOT = VAR_DIR / "media"

# Largest upload accepted (an org-unit tree of 100,000 rows is ~6 MB as XLSX).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FANGKONG_UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FANGKONG_LOG_LEVEL", "WARNING")},
}

FANGKONG_DEMO_PASSWORD = env_str("FANGKONG_DEMO_PASSWORD", "fangkong-demo-2020")

# Text messages (notices.sms): the backend, and for the HTTP gateway its address and token.
FANGKONG_SMS_BACKEND = env_str("FANGKONG_SMS_BACKEND", "fangkong.notices.sms.LogBackend")
FANGKONG_SMS_URL = env_str("FANGKONG_SMS_URL", "")
FANGKONG_SMS_TOKEN = env_str("FANGKONG_SMS_TOKEN", "")
FANGKONG_SMS_TIMEOUT_SECONDS = env_int("FANGKONG_SMS_TIMEOUT_SECONDS", 10, minimum=1)
FANGKONG_SMS_MAX_ATTEMPTS = env_int("FANGKONG_SMS_MAX_ATTEMPTS", 5, minimum=1)
FANGKONG_SMS_RETRY_SECONDS = env_int("FANGKONG_SMS_RETRY_SECONDS", 300, minimum=1)
if FANGKONG_SMS_BACKEND.endswith(".HttpGatewayBackend") and not FANGKONG_SMS_URL.startswith(
    ("http://", "https://")
):
    raise ImproperlyConfigured(
        "FANGKONG_SMS_URL must be an http:// or https:// address with FANGKONG_SMS_BACKEND "
        f"{FANGKONG_SMS_BACKEND!r}"
    )
# A unit's overdue daily report is reminded at most once in this long (notices.reminders).
FANGKONG_REMINDER_COOLDOWN_SECONDS = env_int("FANGKONG_REMINDER_COOLDOWN_SECONDS", 3600)
