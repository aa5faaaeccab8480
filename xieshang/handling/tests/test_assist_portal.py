"""The public message form's same-matter hint: a count of open items, titles only of messages whose
writers agreed to publication, never anyone's text."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from xieshang.handling import assist
from xieshang.handling.models import Item
from xieshang.messages import services as message_services


@pytest.fixture
def model_dir(settings, tmp_path: Path):
    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    assist.forget_indexes()
    yield
    assist.forget_indexes()


def _message(committee, title: str, text: str, consent: bool, phone: str = "13800000000"):
    msg, _ = message_services.message_submit(
        committee=committee,
        submission_token=uuid.uuid4(),
        kind="suggestion",
        title=title,
        text=text,
        name="张三",
        phone=phone,
        publish_consent=consent,
    )
    return msg


def test_hint_counts_open_items_and_never_shows_unpublished_text(client, world, model_dir):
    public = _message(
        world.committee, "南庄小区盼加装电梯", "南庄某小区楼房没有电梯，老人上下楼困难，希望加装电梯。", True
    )
    private = _message(
        world.committee,
        "私密标题：南庄小区电梯",
        "南庄小区老人上下楼困难，加装电梯进展缓慢，我家住在8栋302。",
        False,
    )
    closed = _message(world.committee, "南庄小区电梯已装好", "南庄小区加装电梯的事已解决，老人上下楼方便了。", True)
    Item.objects.filter(pk=closed.item_id).update(status=Item.Status.CLOSED)
    _message(world.committee, "石湾工地夜间施工噪音", "石湾工地夜间施工噪音很大，居民无法休息。", True)
    url = reverse("portal:same_matter")
    html = client.post(
        url, {"title": "南庄小区加装电梯", "text": "南庄小区老人上下楼困难，请加装电梯。"}
    ).content.decode()
    assert "已有 2 条相同事项正在办理" in html
    assert public.title in html
    assert private.title not in html and "8栋302" not in html and "进展缓慢" not in html
    assert closed.title not in html and "石湾" not in html
    # too little to compare, or nothing alike: no hint at all
    assert client.post(url, {"title": "电梯", "text": ""}).content.decode().strip() == ""
    html = client.post(url, {"title": "祖庙学校学位", "text": "祖庙学校学位紧张，孩子上学难。"}).content.decode()
    assert "相同事项" not in html
    # odd input is not an error
    assert client.post(url, {"title": "x" * 5000, "text": "\x00" * 100}).status_code == 200
    assert client.get(url).status_code == 405


def test_message_form_asks_for_the_hint_as_the_citizen_types(client, world, model_dir):
    html = client.get(reverse("portal:submit")).content.decode()
    assert f'hx-post="{reverse("portal:same_matter")}"' in html and "from:#id_text" in html


def test_a_message_author_is_the_hashed_phone_it_was_left_with(world, model_dir):
    first = _message(world.committee, "南庄小区电梯", "南庄小区加装电梯进展缓慢。", True, phone="138 0000 1111")
    again = _message(
        world.committee,
        "南庄小区的事没人管",
        "上次反映的问题为什么没人管？老人上下楼还是很困难。",
        True,
        phone="13800001111",
    )
    other = _message(world.committee, "南庄小区电梯", "南庄小区加装电梯进展缓慢。", True, phone="13900002222")
    items = Item.objects.filter(pk__in=[first.item_id, again.item_id, other.item_id])
    authors = assist.item_authors((i.pk, i.channel, i.source_type, i.source_id) for i in items)
    assert authors[first.item_id] == authors[again.item_id] != authors[other.item_id]
    assert all(a.startswith("tel:") and "1111" not in a for a in authors.values())
    # a channel that names no authors: the source record is the author; no source, no author
    assert assist.item_authors([(1, "nosuch", "x.y", 7), (2, "nosuch", "", None)]) == {1: "x.y:7", 2: ""}

    # the index keeps the authors: the repeat, worded anew, is found for the first message
    def found(author: str) -> list[int]:
        hits = assist.same_matter_ids(
            world.committee.pk, "南庄小区电梯", "南庄小区加装电梯进展缓慢。", exclude={first.item_id}, author=author
        )
        return [pk for pk, *_ in hits or []]

    assert again.item_id in found(authors[first.item_id])
    assert again.item_id not in found(authors[other.item_id])
