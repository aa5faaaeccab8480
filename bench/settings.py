"""Settings of the benchmark server: the local settings with DEBUG off and the /bench/hello view.

The database comes from DATABASE_URL (the benchmark's own PostgreSQL cluster); static files are
collected into a throwaway folder so the working tree is left alone.
"""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
XIESHANG_BENCH = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STATIC_ROOT = os.environ.get("XIESHANG_BENCH_STATIC_ROOT", "/tmp/xieshang-bench-static")  # noqa: S108
# Keep the benchmark's lockout counters from locking the load generator's sessions out.
AXES_ENABLED = False
# --cold: no page reuses figures or rows loaded before (as when something is committed between any
# two requests), to measure the pages' own queries.
XIESHANG_REUSE_UNCHANGED = os.environ.get("XIESHANG_BENCH_COLD", "") != "1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# The scorecard benchmark seeds its committee-years from the demo year (seed_demo), then copies them.
if os.environ.get("XIESHANG_BENCH_DEMO", "") == "1":
    INSTALLED_APPS = [*INSTALLED_APPS, "xieshang.demo"]  # noqa: F405
