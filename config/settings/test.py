"""Settings for the test suite; the database comes from DATABASE_URL (SQLite or PostgreSQL)."""

from .base import *  # noqa: F403

# The demo committee and its generators (seed_demo) are tested too; production does not install them.
INSTALLED_APPS = [*INSTALLED_APPS, "xieshang.demo"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
# Static files come straight from the finders (static/ and the apps), so the suite needs no
# collectstatic and sees edits at once.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
