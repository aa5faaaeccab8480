"""Settings shared by every environment.

Secrets and hosts come from the environment; see ``production.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("XIESHANG_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "axes",
    "csp",
    "django_htmx",
    # Xieshang, dependencies run downwards: channels -> handling -> organisations/areas/workdays
    "xieshang.core",
    "xieshang.areas",
    "xieshang.workdays",
    "xieshang.organisations",
    "xieshang.handling",
    "xieshang.documents",
    "xieshang.messages",
    "xieshang.proposals",
    "xieshang.opinions",
    "xieshang.consultations",
    "xieshang.outreach",
    "xieshang.duties",
    "xieshang.scorecard",
    "xieshang.insight",
    "xieshang.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xieshang.core.http.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "xieshang.core.middleware.AuthenticationMiddleware",
    "xieshang.core.middleware.UserLanguageMiddleware",
    "xieshang.core.middleware.ReaderScriptMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xieshang.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'xieshang.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file; IMMEDIATE avoids
    # upgrade deadlocks when two writers start at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "xieshang.organisations.validators.SimilarityValidator"},
    {"NAME": "xieshang.organisations.validators.LengthValidator"},
    {"NAME": "xieshang.organisations.validators.CommonValidator"},
    {"NAME": "xieshang.organisations.validators.NumericValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock the pair (account, address) being tried. Not the address alone: a committee office or a
# street office sits behind one NAT address, and one person's typos would lock out everyone
# there. Not the account alone: anyone could then lock a colleague out by typing their name.
# The address is the real client's (XIESHANG_TRUSTED_PROXIES below): a forged X-Forwarded-For
# from anywhere else changes nothing. Attempts are rows in the database, shared by every worker.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind the TLS proxy every request comes from the proxy's address: the client's own address is
# read from X-Forwarded-For, and only when the proxy is one of these (xieshang/core/clients.py).
XIESHANG_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_CLIENT_IP_CALLABLE = "xieshang.core.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "zh-hans"
# The pages are written in Chinese; a browser asking for English must not get English field and
# status labels among them.
# 繁體 for members from Hong Kong and Macao (zh_Hant catalogues: manage.py make_hant). A signed-in
# person's own choice wins (xieshang.core.middleware.UserLanguageMiddleware); others switch by cookie.
# A 繁體 reader's pages are converted whole after rendering (ReaderScriptMiddleware).
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from the npm registry (package-lock.json); `manage.py vendor_assets`
# copies the files the pages use from node_modules/ into static/vendor/ (not committed).
VENDOR_ASSETS = {
    "htmx.org/dist/htmx.min.js": "vendor/htmx.min.js",
    "echarts/dist/echarts.min.js": "vendor/echarts.min.js",
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Counters of the rate limits (tracking codes, public messages) and short-lived results: one table
# in the database, so every worker shares one limit and a restart does not reset it; no server to
# run. Production uses Redis instead when REDIS_URL is set (production.py). The table is created by
# migrate (xieshang/core/migrations/0003_cache_table.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "xieshang_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@xieshang.local")

# Sessions only, so every unsafe API call carries the CSRF token. HTTP Basic is left out on
# purpose: DRF does not check CSRF for it, a browser that once sent Basic credentials resends them
# on cross-site requests, and each request would rehash the password with Argon2 (a cheap way to
# load the server) outside django-axes' lockout view.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages carry inline styles the Content-Security-Policy refuses;
    # people read the API in the Swagger UI at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON nested deeper than a few dozen levels is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "xieshang.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "xieshang.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xieshang API",
    "DESCRIPTION": "数字政协平台接口 v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for signed-in staff and integrators, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would load an image from swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a field called "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "xieshang.handling.models.Item.Status",
        "AssignmentStatusEnum": "xieshang.handling.models.Assignment.Status",
        "RequestStatusEnum": "xieshang.handling.models.Request.Status",
        "RatingValueEnum": "xieshang.handling.models.Rating.Value",
        "TopicSourceEnum": "xieshang.consultations.models.Topic.Source",
        "SuggestionSourceEnum": "xieshang.consultations.models.Suggestion.Source",
        "ActivityKindEnum": "xieshang.consultations.models.Activity.Kind",
        "ParticipantKindEnum": "xieshang.consultations.models.Participant.Kind",
        "AdoptionLevelEnum": "xieshang.opinions.models.Adoption.Level",
        "InstructionLevelEnum": "xieshang.opinions.models.Instruction.Level",
    },
}

# Content-Security-Policy: everything is served from this origin (no CDN on intranets).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Database sessions, reused by each process while nothing is committed (xieshang/core/sessions.py).
SESSION_ENGINE = "xieshang.core.sessions"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The shared data folder (real citizen messages), read for training and benchmarks.
XIESHANG_SHARED_DATA = Path(os.environ.get("XIESHANG_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))
XIESHANG_MODEL_DIR = VAR_DIR / "models"

# Adds the /bench/hello baseline view used by ./bench/run; never set in production.
XIESHANG_BENCH = os.environ.get("XIESHANG_BENCH", "") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
