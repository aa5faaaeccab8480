"""Two editors opening issues at the same moment get different numbers (needs PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only meaningful on PostgreSQL")


def test_concurrent_issue_creation_never_repeats_a_number(info_office, committee):
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def create():
        try:
            barrier.wait()
            services.issue_create(actor=info_office, committee=committee, year=2022)
        except BaseException as e:  # noqa: BLE001 - reported to the main thread below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(BulletinIssue.objects.filter(year=2022).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
