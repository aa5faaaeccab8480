"""Local and demo settings: SQLite in ``var/``, console e-mail."""

from .base import *  # noqa: F403

DEBUG = False
