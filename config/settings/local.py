"""Local and demo settings: SQLite in ``var/``, console e-mail."""

from .base import *  # noqa: F403

DEBUG = False

# The demo committee and its generators (seed_demo): only the demo and the tests install them.
INSTALLED_APPS = [*INSTALLED_APPS, "xieshang.demo"]  # noqa: F405
