"""Outsourcer settings: one module, driven by the environment.

Every knob is an ``OUTSOURCER_*`` variable (plus ``DATABASE_URL``); docs/install.md lists them.
Debug mode is for a developer's checkout; anything else is production and is held to
``manage.py check --deploy``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent.parent
IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").exists()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("OUTSOURCER_DEBUG", False)
TESTING = env_bool("OUTSOURCER_TESTING", False)

# In a checkout the data sits beside the code; an installed package keeps it in the user's data folder.
_DEFAULT_DATA_DIR = _CHECKOUT / "var" if IN_CHECKOUT else Path.home() / ".local" / "share" / "outsourcer"
DATA_DIR = Path(env_str("OUTSOURCER_DATA_DIR", str(_DEFAULT_DATA_DIR))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("OUTSOURCER_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20
    else:
        raise ImproperlyConfigured(
            "OUTSOURCER_SECRET_KEY is not set. Production mode refuses to start without a secret "
            "key: set it to a long random string (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set "
            "OUTSOURCER_DEBUG=1 on a development machine."
        )

ALLOWED_HOSTS = env_list("OUTSOURCER_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("OUTSOURCER_CSRF_TRUSTED_ORIGINS")
BASE_URL = env_str("OUTSOURCER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "outsourcer.core",
    "outsourcer.accounts",
    "outsourcer.audit",
    "outsourcer.bundles",
    "outsourcer.planning",
    "outsourcer.contractors",
    "outsourcer.engagements",
    "outsourcer.vetting",
    "outsourcer.deliverables",
    "outsourcer.payments",
    "outsourcer.risk",
    "outsourcer.compliance",
    "outsourcer.reminders",
    "outsourcer.portal",
    "outsourcer.checks",
    "outsourcer.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "outsourcer.api.middleware.JsonApiErrorsMiddleware",
]

ROOT_URLCONF = "outsourcer.urls"
WSGI_APPLICATION = "outsourcer.wsgi.application"

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
                "csp.context_processors.nonce",
                "outsourcer.core.context_processors.product",
            ],
        },
    }
]

# --- Data -----------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "outsourcer.sqlite3"),
            # Keep each thread's connection: opening one (and its PRAGMAs) costs more than most queries.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE avoids "database is locked" when a read turns into a write mid-transaction;
                # WAL lets readers go on while one writer writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("OUTSOURCER_REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "outsourcer",
        }
    }
else:
    # The database cache is shared by every worker process, which login throttling needs.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "outsourcer_cache",
        }
    }

if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if env_str("OUTSOURCER_TASKS_BACKEND"):
    TASKS = {"default": {"BACKEND": env_str("OUTSOURCER_TASKS_BACKEND")}}

# --- Accounts -------------------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LOGIN_FAILURE_LIMIT = env_int("OUTSOURCER_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("OUTSOURCER_LOGIN_FAILURE_WINDOW", 15 * 60)
ALLOW_SIGNUP = env_bool("OUTSOURCER_ALLOW_SIGNUP", True)
INVITATION_MAX_AGE_SECONDS = env_int("OUTSOURCER_INVITATION_MAX_AGE", 7 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env_int("OUTSOURCER_PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# --- Email ----------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "OUTSOURCER_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if not env_str("OUTSOURCER_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("OUTSOURCER_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("OUTSOURCER_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("OUTSOURCER_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("OUTSOURCER_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("OUTSOURCER_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("OUTSOURCER_FROM_EMAIL", "Outsourcer <outsourcer@localhost>")

# --- Internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("OUTSOURCER_STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_ROOT = Path(env_str("OUTSOURCER_MEDIA_ROOT", str(DATA_DIR / "media")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the app directories when nothing was collected (development, tests); otherwise
# `collectstatic` (which `outsourcer serve` runs) writes hashed, compressed copies that WhiteNoise serves.
WHITENOISE_USE_FINDERS = DEBUG or TESTING or env_bool("OUTSOURCER_STATIC_FROM_APPS", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
BUNDLE_MAX_BYTES = env_int("OUTSOURCER_BUNDLE_MAX_BYTES", 20 * 1024 * 1024)

# --- Security -------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

HTTPS = env_bool("OUTSOURCER_HTTPS", not DEBUG)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("OUTSOURCER_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("OUTSOURCER_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# How many proxies (load balancers) stand in front of the app. Only then are X-Forwarded-Proto and
# X-Forwarded-For believed: a client could otherwise claim HTTPS or any address it likes.
TRUSTED_PROXIES = env_int("OUTSOURCER_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging: never the request body, never secrets ------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OUTSOURCER_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
