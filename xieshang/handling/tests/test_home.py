"""The home page lists the person's own work: every card's figure is the number of rows on the list
its link opens, for the unit, the office and the leader; and the page keeps a fixed query budget."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xieshang.handling.models import Assignment, Item

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[tuple[str, int, str]]:
    """(label, figure, url) of each card on the home page."""
    found = re.findall(r'<a class="stat[^"]*" href="([^"]+)"><b>(\d+)</b><span>([^<]+)</span></a>', html)
    return [(label, int(n), url.replace("&amp;", "&")) for url, n, label in found]


def _rows(html: str) -> int:
    """Rows on a list page of the loop: table rows of the workbench and the queue, cards elsewhere."""
    body = html.split("<main", 1)[1]
    return (
        body.count('<td data-label="事项">')
        + body.count('<td data-label="标题">')
        + len(re.findall(r'<article class="card[ "]', body))
    )


def _world_of_work(world, drive) -> None:
    drive.accept(title="待交办一")
    drive.accept(title="待交办二")
    drive.lead(drive.single(title="待签收的事项"))
    signed = drive.lead(drive.single(title="办理中的事项"))
    drive.sign(signed)
    late = drive.lead(drive.single(title="超期的事项"))
    drive.sign(late)
    Assignment.objects.filter(pk=late.pk).update(is_overdue=True)
    Item.objects.filter(pk=late.item_id).update(is_overdue=True)
    replied = drive.lead(drive.single(title="已答复的事项"))
    drive.sign(replied)
    drive.reply(replied)
    supervised = drive.single(title="督办的事项")
    Item.objects.filter(pk=supervised.pk).update(is_supervised=True)


@pytest.mark.parametrize("who", ["unit", "office", "leader"])
def test_each_home_card_counts_the_rows_of_the_list_it_opens(client, world, drive, who):
    _world_of_work(world, drive)
    user = {"unit": world.unit_user(world.dept1), "office": world.office, "leader": world.leader}[who]
    client.force_login(user)
    r = client.get(reverse("core:home"))
    assert r.status_code == 200
    cards = _cards(r.content.decode())
    assert cards, "the home page shows the role's work"
    assert sum(n for _, n, _ in cards) > 0
    for label, n, url in cards:
        assert _rows(client.get(url).content.decode()) == n, (label, url)


def test_unit_home_shows_the_workbench_sets(client, world, drive):
    _world_of_work(world, drive)
    client.force_login(world.unit_user(world.dept1))
    cards = {label: n for label, n, _ in _cards(client.get(reverse("core:home")).content.decode())}
    assert cards == {"待签收": 2, "办理中": 2, "已超期（在办）": 1, "已答复待审核或评价": 1}


def test_home_page_stays_within_its_query_budget(client, world, drive, django_assert_max_num_queries):
    client.force_login(world.unit_user(world.dept1))
    client.get(reverse("core:home"))
    _world_of_work(world, drive)
    for user in (world.unit_user(world.dept1), world.office, world.leader):
        client.force_login(user)
        # session, user, the role's figures in one or two reads, the unread-notice badge
        with django_assert_max_num_queries(8):
            assert client.get(reverse("core:home")).status_code == 200
