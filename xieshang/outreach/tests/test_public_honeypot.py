"""The station's public message form: a hidden honeypot, and its per-address limit by the real
client behind the proxy."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from xieshang.outreach.models import StationMessage

pytestmark = pytest.mark.django_db


def _data(**over: str) -> dict[str, str]:
    return {"token": str(uuid.uuid4()), "name": "何女士", "phone": "13800138000", "text": "路灯坏了两周", **over}


def test_the_station_form_hides_a_honeypot_and_a_filled_one_leaves_no_message(station) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    url = reverse("outreach:public_station", args=[station.pk])
    html = c.get(url).content.decode()
    assert '<div hidden><label for="id_hp_note">' in html and html.count('name="hp_note"') == 1
    r = c.post(url, _data(hp_note="buy now"))
    assert r.status_code == 400
    assert not StationMessage.objects.exists()
    assert c.post(url, _data()).status_code == 302


@override_settings(XIESHANG_TRUSTED_PROXIES=["10.0.0.0/24"])
def test_the_station_address_limit_counts_the_client_behind_the_proxy(station) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    url = reverse("outreach:public_station", args=[station.pk])
    c.post(url, _data(), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert StationMessage.objects.get().address_key != ""
    keys = {m.address_key for m in StationMessage.objects.all()}
    other = _data(phone="13900000000", text="小区门口积水严重")
    c.post(url, other, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert len({m.address_key for m in StationMessage.objects.all()}) == 2 and keys
