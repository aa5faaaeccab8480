"""What converting a 繁體 reader's page costs (``core.hant.convert_html``), on the demo's pages.

Run against a seeded demo database (``manage.py seed_demo``), with the test settings so static
files need no manifest:

    DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite:///var/demo.sqlite3 \\
        .venv/bin/python manage.py shell < bench/hant_pages.py

Prints, per page, its size and the median wall and CPU time of 31 conversions.
"""

import statistics
import time

from django.test import Client
from django.test.utils import override_settings

from xieshang.core import hant
from xieshang.organisations.models import User

PAGES = [
    ("office", "/scorecard/2022/"),
    ("office", "/proposals/rates/"),
    ("office", "/handling/metrics/"),
    ("office", "/outreach/overview/"),
    ("info", "/opinions/office/?year=2022"),
]


def timed(f, n=31):
    wall, cpu = [], []
    for _ in range(n):
        t0, p0 = time.perf_counter(), time.process_time()
        f()
        cpu.append((time.process_time() - p0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return f"wall median {statistics.median(wall):.1f} ms, CPU median {statistics.median(cpu):.1f} ms"


with override_settings(ALLOWED_HOSTS=["*"]):
    html = ""
    for username, url in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        html = client.get(url).content.decode()
        cost = timed(lambda page=html: hant.convert_html(page, hant.to_hant))
        print(f"{url:30s} {len(html.encode()) // 1024:3d} KB", cost)
    big = html * 20
    print(f"synthetic {len(big.encode()) // 1024} KB", timed(lambda: hant.convert_html(big, hant.to_hant), 9))
