"""Numbering and review under concurrency: real row locks, so PostgreSQL only."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from xieshang.core.errors import ConflictError
from xieshang.handling.models import Item
from xieshang.proposals import services as ps
from xieshang.proposals.models import NumberCounter, Proposal

from .conftest import CONTENT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _parallel(fn, args: list) -> list:
    results: list = [None] * len(args)
    barrier = threading.Barrier(len(args))

    def work(i, a):
        try:
            barrier.wait()
            results[i] = fn(a)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            results[i] = exc
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(args)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_concurrent_filing_never_duplicates_or_skips_a_number(w):
    ids = []
    for i in range(16):
        p = ps.proposal_save_draft(actor=w.member_user(i % 4), data={**CONTENT, "title": f"关于第{i}件事项的建议"})
        ids.append(ps.proposal_submit(actor=w.member_user(i % 4), proposal_id=p.pk).pk)
    results = _parallel(lambda pk: ps.proposal_file(actor=w.office, proposal_id=pk).number, ids)
    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == list(range(1, 17))
    numbers = list(Proposal.objects.filter(number__isnull=False).values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 17))
    assert NumberCounter.objects.get(session=w.session).last == 16


def test_a_proposal_reviewed_twice_at_once_is_reviewed_once(w):
    p = ps.proposal_save_draft(actor=w.member_user(0), data=CONTENT)
    ps.proposal_submit(actor=w.member_user(0), proposal_id=p.pk)
    results = _parallel(lambda _: ps.proposal_file(actor=w.office, proposal_id=p.pk), list(range(6)))
    filed = [r for r in results if isinstance(r, Proposal)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(filed) == 1 and len(conflicts) == 5, results
    assert Item.objects.filter(channel="proposal").count() == 1
    assert NumberCounter.objects.get(session=w.session).last == 1
