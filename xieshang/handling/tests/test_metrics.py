"""Each indicator computed on hand-built assignments whose figures can be checked by eye."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xieshang.handling import metrics
from xieshang.handling.models import Assignment, Item, Rating

from .conftest import CHANNEL, at

pytestmark = pytest.mark.django_db

S = Assignment.Status
NOW = at(2024, 6, 1)
DAY = dt.timedelta(days=1)


def make(world, unit=None, *, status=S.SIGNED, role=Assignment.Role.LEAD, assigned=at(2024, 3, 4), **fields):
    """An assignment with a sign-for window of one day and a reply deadline ten days after assignment."""
    item = Item.objects.create(
        committee=world.committee, channel=CHANNEL, title="测试事项", text="内容", accepted_at=assigned
    )
    values = {
        "item": item,
        "unit": unit or world.dept1,
        "role": role,
        "status": status,
        "assigned_at": assigned,
        "clock_started_at": assigned,
        "sign_due_at": assigned + DAY,
        "objection_until": assigned + 5 * DAY,
        "reply_due_at": assigned + 10 * DAY,
    }
    values.update(fields)
    return Assignment.objects.create(**values)


def rate(a, value, round_=1):
    return Rating.objects.create(assignment=a, round=round_, rater_key=f"k{round_}", rater_label="提出人", value=value)


def figure(key, world):
    return metrics.BY_KEY[key].compute(Assignment.objects.filter(item__committee=world.committee), NOW)


def test_sign_rate_counts_sign_for_within_the_window(world):
    t = at(2024, 3, 4)
    make(world, signed_at=t + dt.timedelta(hours=3))  # in time
    make(world, signed_at=t + DAY)  # at the deadline: in time
    make(world, signed_at=t + 2 * DAY)  # late
    make(world, status=S.NEW)  # never signed
    make(world, status=S.WITHDRAWN, signed_at=t)  # reassigned away: not counted at all
    f = figure("sign_rate", world)
    assert (f.numerator, f.denominator) == (2, 4)
    assert f.value == 50.0 and f.display == "50.0%"


def test_on_time_rate_counts_first_replies_by_the_effective_deadline(world):
    t = at(2024, 3, 4)
    make(world, status=S.CLOSED, first_replied_at=t + 5 * DAY)  # on time
    make(world, status=S.CLOSED, first_replied_at=t + 12 * DAY)  # late
    make(world, status=S.CLOSED, first_replied_at=t + 12 * DAY, extended_until=t + 15 * DAY)  # on time, extended
    make(world, status=S.SIGNED)  # deadline passed, no reply: due, not on time
    make(world, status=S.SIGNED, assigned=at(2024, 5, 30), reply_due_at=at(2024, 6, 10))  # not yet due: left out
    make(world, status=S.RETURNED)  # handled elsewhere: left out
    f = figure("on_time_rate", world)
    assert (f.numerator, f.denominator) == (2, 4)
    assert f.display == "50.0%"


def test_close_rate_is_closed_over_assigned(world):
    make(world, status=S.CLOSED)
    make(world, status=S.CLOSED)
    make(world, status=S.AWAITING_RATING)
    make(world, status=S.RETURNED)
    make(world, status=S.WITHDRAWN)
    f = figure("close_rate", world)
    assert (f.numerator, f.denominator) == (2, 4)


def test_resolve_rate_is_resolved_over_closed_lead_assignments(world):
    make(world, status=S.CLOSED, resolved=True)
    make(world, status=S.CLOSED, resolved=False)
    make(world, status=S.CLOSED, resolved=True)
    make(world, status=S.AWAITING_RATING, resolved=True)  # not closed yet
    make(world, status=S.CLOSED, role=Assignment.Role.CO, resolved=None)  # co-units do not reply
    f = figure("resolve_rate", world)
    assert (f.numerator, f.denominator) == (2, 3)
    assert f.display == "66.7%"


def test_satisfaction_rate_counts_every_rating(world):
    a = make(world, status=S.CLOSED)
    rate(a, Rating.Value.UNSATISFIED, 1)
    rate(a, Rating.Value.SATISFIED, 2)
    b = make(world, status=S.CLOSED)
    rate(b, Rating.Value.BASIC)
    c = make(world, status=S.WITHDRAWN)
    rate(c, Rating.Value.UNSATISFIED)  # reassigned away: not counted
    f = figure("satisfaction_rate", world)
    assert (f.numerator, f.denominator) == (2, 3)


def test_rehandle_rate_is_rehandled_over_replied(world):
    t = at(2024, 3, 4)
    make(world, status=S.CLOSED, first_replied_at=t + DAY, rehandle_count=1)
    make(world, status=S.CLOSED, first_replied_at=t + DAY)
    make(world, status=S.CLOSED, first_replied_at=t + DAY)
    make(world, status=S.CLOSED, first_replied_at=t + DAY)
    make(world, status=S.SIGNED)  # not replied: not in the base
    f = figure("rehandle_rate", world)
    assert (f.numerator, f.denominator) == (1, 4)
    assert f.display == "25.0%"


def test_overdue_count_counts_late_replies_and_open_ones_past_the_deadline(world):
    t = at(2024, 3, 4)
    make(world, status=S.CLOSED, first_replied_at=t + 12 * DAY)  # replied late
    make(world, status=S.SIGNED)  # open past the deadline
    make(world, status=S.CLOSED, first_replied_at=t + 3 * DAY)  # on time
    make(world, status=S.SIGNED, extended_until=at(2024, 7, 1))  # extended, not yet due
    make(world, status=S.ESCALATED)  # went up a level: not counted
    f = figure("overdue_count", world)
    assert f.numerator == 2 and f.denominator is None
    assert f.display == "2件"


def test_a_ratio_with_nothing_to_divide_by_shows_a_dash(world):
    f = figure("satisfaction_rate", world)
    assert f.value is None and f.display == "—"


def test_compute_all_agrees_with_each_indicator_and_uses_two_queries(world):
    t = at(2024, 3, 4)
    a = make(world, status=S.CLOSED, signed_at=t, first_replied_at=t + DAY, resolved=True)
    rate(a, Rating.Value.SATISFIED)
    make(world, status=S.SIGNED)
    qs = Assignment.objects.filter(item__committee=world.committee)
    with CaptureQueriesContext(connection) as ctx:
        everything = metrics.compute_all(qs, NOW)
    assert len(ctx.captured_queries) == 2
    for ind in metrics.INDICATORS:
        assert everything[ind.key] == ind.compute(qs, NOW)


def test_by_unit_and_ranking_respect_the_minimum_count(world):
    t = at(2024, 3, 4)
    for _ in range(5):
        make(world, world.dept1, status=S.CLOSED, signed_at=t, first_replied_at=t + DAY)
    for i in range(5):
        make(world, world.dept2, status=S.CLOSED, signed_at=t, first_replied_at=t + (DAY if i < 4 else 12 * DAY))
    for _ in range(2):
        make(world, world.dept3, status=S.CLOSED, signed_at=t, first_replied_at=t + DAY)
    qs = Assignment.objects.filter(item__committee=world.committee)
    with CaptureQueriesContext(connection) as ctx:
        by_unit = metrics.compute_by_unit(qs, NOW)
    assert len(ctx.captured_queries) == 2
    assert by_unit[world.dept2.pk]["figures"]["on_time_rate"].display == "80.0%"
    units = [world.dept1, world.dept2, world.dept3, world.street_unit]
    ranked, small = metrics.rank_units(units, by_unit, metrics.BY_KEY["on_time_rate"], min_count=5)
    assert [(r.unit, r.rank) for r in ranked] == [(world.dept1, 1), (world.dept2, 2)]
    assert [r.unit for r in small] == [world.dept3]  # street_unit had nothing: not listed
    ranked, _ = metrics.rank_units(units, by_unit, metrics.BY_KEY["overdue_count"], min_count=5)
    assert [(r.unit, r.rank) for r in ranked] == [(world.dept1, 1), (world.dept2, 2)]  # fewer is better
    ranked, _ = metrics.rank_units(units, by_unit, metrics.BY_KEY["sign_rate"], min_count=5)
    assert [r.rank for r in ranked] == [1, 1]  # a tie shares the rank


def test_metrics_page_shows_ranking_small_samples_chart_data_and_definitions(client, world, settings):
    settings.XIESHANG_RANKING_MIN_COUNT = 3
    t = at(2024, 3, 4)
    for _ in range(3):
        make(world, world.dept1, status=S.CLOSED, signed_at=t, first_replied_at=t + DAY)
    make(world, world.dept2, status=S.SIGNED)
    client.force_login(world.office)
    r = client.get(reverse("handling:metrics"), {"period": "year", "year": "2024", "sort": "on_time_rate"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "区住建局" in html and "样本不足" in html and "区教育局" in html
    assert 'id="metrics-chart-data"' in html and "100.0" in html
    for ind in metrics.INDICATORS:
        assert ind.definition in html
    r = client.get(reverse("handling:metrics"), {"period": "month", "year": "2024", "month": "4"})
    assert "本期没有达到最低件数的单位" in r.content.decode()
    r = client.get(reverse("handling:metrics"), {"period": "custom", "start": "2024-05-01", "end": "2024-01-01"})
    assert r.status_code == 200 and "结束日期不能早于开始日期" in r.content.decode()
    r = client.get(reverse("handling:metrics"), {"year": "abc", "month": "13"})
    assert r.status_code == 200


def test_metrics_are_scoped_to_the_users_committee(client, world):
    from xieshang.organisations.models import Unit

    foreign_unit = Unit.objects.create(committee=world.other_committee, name="南海区住建局")
    item = Item.objects.create(
        committee=world.other_committee, channel=CHANNEL, title="外区", text="x", accepted_at=at(2024, 3, 4)
    )
    Assignment.objects.create(
        item=item,
        unit=foreign_unit,
        assigned_at=at(2024, 3, 4),
        clock_started_at=at(2024, 3, 4),
        sign_due_at=at(2024, 3, 5),
        objection_until=at(2024, 3, 8),
        reply_due_at=at(2024, 3, 14),
    )
    client.force_login(world.office)
    html = client.get(reverse("handling:metrics"), {"year": "2024"}).content.decode()
    assert "南海区住建局" not in html


def test_metrics_page_filters_by_channel_and_says_what_it_counts(client, world, settings):
    settings.XIESHANG_RANKING_MIN_COUNT = 1
    t = at(2024, 3, 4)
    for _ in range(2):
        make(world, world.dept1, status=S.CLOSED, signed_at=t, first_replied_at=t + DAY)
    client.force_login(world.office)
    base = {"period": "year", "year": "2024", "sort": "on_time_rate"}
    html = client.get(reverse("handling:metrics"), base).content.decode()
    assert "（全部渠道），共 2 件交办记录" in html
    assert "交办件数：统计周期内交办给该单位的交办记录数" in html and "下一名次顺延（如 1、1、3）" in html
    html = client.get(reverse("handling:metrics"), {**base, "channel": CHANNEL}).content.decode()
    assert "共 2 件交办记录" in html
    html = client.get(reverse("handling:metrics"), {**base, "channel": "proposal"}).content.decode()
    assert "共 0 件交办记录" in html and "区住建局" not in html.split("排名</h2>", 1)[1].split("</table>", 1)[0]
    r = client.get(reverse("handling:metrics"), {**base, "channel": "nonsense"})
    assert r.status_code == 200 and "来源渠道" in r.content.decode()
