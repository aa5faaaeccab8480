"""Limits by the real client behind the TLS proxy, kept in the shared cache; the public forms'
flood guard and honeypot."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import reverse

from xieshang.core import clients
from xieshang.handling.models import Item
from xieshang.messages.models import Message
from xieshang.organisations.tests.factories import DEFAULT_PASSWORD, UserFactory

from .test_portal import form_data, site, submit  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
TRUST_PROXY = override_settings(XIESHANG_TRUSTED_PROXIES=["10.0.0.0/24"])


def _meta(remote: str, forwarded: str | None = None) -> dict[str, str]:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return meta


# --- the client's address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # no proxy configured: the header is ignored
        (["10.0.0.0/24"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from the proxy: ignored
        (["10.0.0.0/24"], PROXY, "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/24"], PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged left part is not believed
        (["10.0.0.0/24"], PROXY, "198.51.100.1, 10.0.0.7", "198.51.100.1"),  # two proxies of ours
        (["10.0.0.0/24"], PROXY, "198.51.100.1:5123", "198.51.100.1"),
        (["10.0.0.0/24"], PROXY, "2001:db8::1", "2001:db8::1"),
        (["10.0.0.0/24"], PROXY, "nonsense", PROXY),
        (["10.0.0.0/24"], PROXY, None, PROXY),
    ],
)
def test_the_client_address_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy(
    trusted: list[str], remote: str, forwarded: str | None, client: str
) -> None:
    request = RequestFactory().get("/", **_meta(remote, forwarded))
    with override_settings(XIESHANG_TRUSTED_PROXIES=trusted):
        assert clients.client_ip(request) == client


# --- tracking codes ----------------------------------------------------------------------------


def _wrong_track(client, citizen: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("portal:track"), {"code": "ZZZZZZZZZZ", "phone": "13000000000"}, **_meta(PROXY, citizen))


@TRUST_PROXY
def test_ten_wrong_tracking_codes_pause_that_citizen_not_everyone_behind_the_proxy(client, site) -> None:  # noqa: F811
    for _ in range(10):
        assert _wrong_track(client, "198.51.100.1").status_code == 404
    assert _wrong_track(client, "198.51.100.1").status_code == 429
    # another citizen, through the same proxy, can still look up
    assert _wrong_track(client, "198.51.100.2").status_code == 404


def test_the_tracking_counter_lives_in_the_shared_database_cache(client, site) -> None:  # noqa: F811
    for _ in range(3):
        client.post(reverse("portal:track"), {"code": "ZZZZZZZZZZ", "phone": "13000000000"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM xieshang_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("portal-track-fail" in k for k in keys)


# --- login lockout -----------------------------------------------------------------------------


@TRUST_PROXY
def test_a_login_lockout_behind_the_proxy_locks_the_pair_not_the_whole_office(client) -> None:
    user = UserFactory(office=True)
    login = reverse("login")
    for _ in range(5):
        client.post(login, {"username": user.username, "password": "wrong"}, **_meta(PROXY, "198.51.100.1"))
    r = client.post(login, {"username": user.username, "password": DEFAULT_PASSWORD}, **_meta(PROXY, "198.51.100.1"))
    assert r.status_code == 429
    # the same account from another desk (another client address behind the same proxy) still signs in
    r = client.post(login, {"username": user.username, "password": DEFAULT_PASSWORD}, **_meta(PROXY, "198.51.100.2"))
    assert r.status_code == 302


# --- public message form: flood guard and honeypot ---------------------------------------------


def test_twenty_identical_messages_from_fresh_forms_make_one_item(client, site) -> None:  # noqa: F811
    statuses = [submit(client, form_data(site, token=str(uuid.uuid4()))).status_code for _ in range(20)]
    assert statuses[0] == 302 and set(statuses[1:]) == {429}
    assert Message.objects.count() == 1 and Item.objects.count() == 1
    r = submit(client, form_data(site, token=str(uuid.uuid4())))
    assert "已提交过内容相同的留言" in r.content.decode()


def test_the_same_text_under_another_phone_from_the_same_address_is_a_repeat_too(client, site) -> None:  # noqa: F811
    assert submit(client, form_data(site)).status_code == 302
    assert submit(client, form_data(site, token=str(uuid.uuid4()), phone="13700000000")).status_code == 429
    assert Message.objects.count() == 1


def test_one_phone_leaves_at_most_five_messages_an_hour(client, site) -> None:  # noqa: F811
    for i in range(clients.PER_PHONE):
        r = submit(
            client, form_data(site, token=str(uuid.uuid4()), text=f"第{i}件事：小区门口夜间施工噪音扰民，影响休息。")
        )
        assert r.status_code == 302
    r = submit(client, form_data(site, token=str(uuid.uuid4()), text="又一件事：路灯不亮，晚上出行不便，请尽快修理。"))
    assert r.status_code == 429 and "提交过于频繁" in r.content.decode()
    assert Message.objects.count() == clients.PER_PHONE


@TRUST_PROXY
def test_one_address_is_limited_but_others_behind_the_proxy_are_not(client, site, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(clients, "PER_ADDRESS", 3)
    for i in range(3):
        data = form_data(
            site, token=str(uuid.uuid4()), phone=f"1390000000{i}", text=f"第{i}件事：夜间施工噪音扰民，影响休息。"
        )
        assert client.post(reverse("portal:submit"), data, **_meta(PROXY, "198.51.100.1")).status_code == 302
    data = form_data(site, token=str(uuid.uuid4()), phone="13900000009", text="第九件事：路灯不亮，晚上出行不便。")
    assert client.post(reverse("portal:submit"), data, **_meta(PROXY, "198.51.100.1")).status_code == 429
    assert client.post(reverse("portal:submit"), data, **_meta(PROXY, "198.51.100.2")).status_code == 302


def test_a_double_click_still_returns_the_first_receipt(client, site) -> None:  # noqa: F811
    data = form_data(site)
    first, second = submit(client, data), submit(client, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]


def test_the_message_form_has_a_hidden_honeypot_and_a_filled_one_creates_nothing(client, site) -> None:  # noqa: F811
    html = client.get(reverse("portal:submit")).content.decode()
    assert '<div hidden><label for="id_hp_note">' in html and 'name="hp_note"' in html
    r = submit(client, form_data(site, hp_note="http://spam.example"))
    assert r.status_code == 400 and "提交未成功" in r.content.decode()
    assert not Message.objects.exists()


def test_a_street_id_beyond_range_in_the_message_form_is_a_form_error(client, site) -> None:  # noqa: F811
    r = submit(client, form_data(site, street="99999999999999999999", community=""))
    assert r.status_code == 400
    assert not Message.objects.exists()
