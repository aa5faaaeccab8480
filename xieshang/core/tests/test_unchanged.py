"""Sessions, users and figures reused while nothing is committed, and read afresh after any commit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xieshang.core import unchanged
from xieshang.core.models import Notification
from xieshang.organisations.tests.factories import UserFactory

SNAPSHOT = "SELECT pg_current_snapshot()::text"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL snapshots; set DATABASE_URL=postgres://..."
    ),
]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    return status, [q["sql"] for q in ctx.captured_queries]


def test_a_repeated_page_reads_only_the_snapshot_once_per_request():
    user = UserFactory(member=True)
    client = _signed_in(user)
    url = reverse("core:notifications")
    client.get(url)
    status, sql = _queries(client, url)
    assert status == 200
    # session, user and the unread badge are reused; the list itself is the page's own query
    assert sql.count(SNAPSHOT) == 1
    assert not any("django_session" in q or "organisations_user" in q for q in sql)
    assert not any("COUNT(*)" in q for q in sql)


def test_a_new_notification_shows_in_the_badge_at_once():
    user = UserFactory(member=True)
    client = _signed_in(user)
    url = reverse("core:notifications")
    assert 'class="badge"' not in client.get(url).content.decode()
    Notification.objects.create(recipient=user, title="新的交办")
    assert '<span class="badge">1</span>' in client.get(url).content.decode()


def test_logging_out_ends_the_kept_session_in_every_process():
    user = UserFactory(member=True)
    client = _signed_in(user)
    url = reverse("core:notifications")
    assert client.get(url).status_code == 200
    cookie = client.cookies["sessionid"].value
    # Another tab (same cookie) logs out; the first one must be signed out at once.
    other = Client()
    other.cookies["sessionid"] = cookie
    other.post(reverse("logout"))
    again = Client()
    again.cookies["sessionid"] = cookie
    response = again.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_deactivated_user_is_signed_out_on_the_next_request():
    user = UserFactory(member=True)
    client = _signed_in(user)
    url = reverse("core:notifications")
    client.get(url)
    assert client.get(url).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(url).status_code == 302


def test_each_request_gets_its_own_copy_of_the_user():
    user = UserFactory(member=True)
    client = _signed_in(user)
    url = reverse("core:notifications")
    first = client.get(url).wsgi_request.user
    second = client.get(url).wsgi_request.user
    assert first.pk == second.pk and first is not second


def test_a_value_can_retire_itself_before_the_next_commit():
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    state = unchanged.committed_state()
    assert state is not None
    assert unchanged.while_unchanged(("t", "fresh"), compute, state) == 1
    assert unchanged.while_unchanged(("t", "fresh"), compute, state) == 1
    assert unchanged.while_unchanged(("t", "fresh"), compute, state, fresh=lambda v: False) == 2
    # a different state (anything committed) never sees the kept value
    assert unchanged.while_unchanged(("t", "fresh"), compute, state + "x") == 3


def test_outside_a_request_and_in_unsafe_requests_the_snapshot_is_read_at_each_use():
    with CaptureQueriesContext(connection) as ctx:
        unchanged.committed_state()
        unchanged.committed_state()
    assert [q["sql"] for q in ctx.captured_queries] == [SNAPSHOT, SNAPSHOT]
