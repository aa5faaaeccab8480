"""Points, grades, minimums and warnings for hand-built members; a scheme that does not parse is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from xieshang.core.errors import ServiceError
from xieshang.duties import scheme, selectors, services
from xieshang.duties.admin import PointsSchemeForm
from xieshang.duties.models import Meeting, PointsScheme
from xieshang.duties.scheme import Facts

DEFAULT = scheme.parse(scheme.DEFAULT)


def test_a_full_year_is_excellent():
    facts = Facts(plenary=["present", "present"], proposals=[(True, 1, True)], activities=6, opinions=[True])
    p = scheme.points(DEFAULT, facts)
    assert (p.plenary, p.proposals, p.activities, p.opinions, p.total) == (50, 25, 10, 15, 100)
    assert p.grade == "优秀" and p.excellent and not p.shortfalls


def test_joint_proposals_share_points_and_leave_counts_thirty():
    # one plenary on leave (30), one present (50): 40; a filed joint proposal of 3: first gets 12.5,
    # each co-signer 6.25; an unfiled own proposal 10; 2 activities 4; one report not adopted 10
    first = Facts(plenary=["leave", "present"], proposals=[(True, 3, True)], activities=2, opinions=[False])
    cosigner = Facts(plenary=["present"], proposals=[(True, 3, False), (False, 1, True)], activities=3, opinions=[])
    a = scheme.points(DEFAULT, first)
    assert (a.plenary, a.proposals, a.activities, a.opinions, a.total) == (40, Decimal("12.5"), 4, 10, Decimal("66.5"))
    assert a.grade == "称职"
    assert a.shortfalls == ["参加活动 2 次，少于 3 次"]
    b = scheme.points(DEFAULT, cosigner)
    assert b.proposals == Decimal("16.3")  # 6.25 + 10, shown to one decimal
    assert b.total == Decimal("72.3") and b.grade == "称职"
    assert b.shortfalls == ["社情民意 0 篇，少于 1 篇"] and not b.excellent


def test_absences_bring_warnings_and_grade_unfit():
    facts = Facts(plenary=["absent"], activities=0, plenary_absences_in_term=3, standing_absences=3, is_standing=True)
    p = scheme.points(DEFAULT, facts)
    assert p.total == 0 and p.grade == "不称职"
    assert len(p.warnings) == 2 and len(p.shortfalls) == 3


def test_a_committee_scheme_changes_caps_and_grades():
    custom = scheme.parse({"activities": {"each": 5, "cap": 20}, "grades": [[60, "合格"], [0, "不合格"]]})
    p = scheme.points(custom, Facts(activities=3))
    assert p.activities == 15 and p.grade == "合格"  # 50 (no plenary held) + 15 = 65


@pytest.mark.parametrize(
    "weights, words",
    [
        ("{not json", "JSON"),
        ([1, 2], "对象"),
        ({"activities": {"each": "两分"}}, "数字"),
        ({"activities": {"each": -1}}, "不小于 0"),
        ({"opinions": {"bonus": 1}}, "bonus"),
        ({"grades": [[90, "优秀"]]}, "分数线为 0"),
        ({"proposals": {"first_of_joint": 2}}, "0 到 1"),
        ({"speeches": {}}, "speeches"),
    ],
)
def test_a_scheme_whose_weights_do_not_parse_is_refused_and_nothing_changes(w, weights, words):
    services.points_scheme_save(actor=w.office, committee=w.committee, weights={"activities": {"each": 3}})
    with pytest.raises(ServiceError) as e:
        services.points_scheme_save(actor=w.office, committee=w.committee, weights=weights)
    assert words in e.value.message and "积分方案无法解析" in e.value.message
    assert PointsScheme.objects.get(committee=w.committee).weights == {"activities": {"each": 3}}


def test_the_admin_form_refuses_weights_that_do_not_parse(w):
    form = PointsSchemeForm(
        data={"committee": w.committee.pk, "name": "办法", "weights": '{"plenary": {"present": "x"}}'}
    )
    assert not form.is_valid()
    assert "积分方案无法解析" in str(form.errors["weights"])


def test_points_of_hand_built_members_from_records(w):
    start = timezone.make_aware(dt.datetime(2022, 1, 17, 9))
    with time_machine.travel(start - dt.timedelta(days=3), tick=False):
        plenary = services.meeting_create(
            actor=w.office,
            committee=w.committee,
            kind="plenary",
            title="全体会议",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        reading = services.meeting_create(
            actor=w.office,
            committee=w.committee,
            kind="reading",
            title="读书会",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
    a, b = w.members[0], w.members[1]
    with time_machine.travel(start + dt.timedelta(hours=3), tick=False):
        services.attendance_record(actor=w.office, meeting_id=plenary.pk, members=[(a, "present"), (b, "absent")])
        services.attendance_record(actor=w.office, meeting_id=reading.pk, members=[(a, "present")])
    services.points_scheme_save(
        actor=w.office,
        committee=w.committee,
        weights={"minimums": {"activities": 1, "proposals": 0, "opinions": 0}, "excellent": {"min_points": 50}},
    )
    rows = {r.member.pk: r for r in selectors.overview(w.committee.pk, 2022)}
    assert rows[a.pk].points.total == 52 and rows[a.pk].points.excellent
    assert rows[b.pk].points.total == 0 and rows[b.pk].points.shortfalls == ["参加活动 0 次，少于 1 次"]
    assert Meeting.objects.count() == 2


def test_the_admin_saves_a_scheme_through_the_service(admin_client, w):
    response = admin_client.post(
        "/admin/duties/pointsscheme/add/",
        {"committee": w.committee.pk, "name": "本会积分办法", "weights": '{"activities": {"each": 3, "cap": 12}}'},
    )
    assert response.status_code == 302
    saved = PointsScheme.objects.get(committee=w.committee)
    assert saved.weights == {"activities": {"each": 3, "cap": 12}} and saved.version == 0
    assert selectors.scheme_for(w.committee.pk).activities["each"] == 3
    refused = admin_client.post(
        f"/admin/duties/pointsscheme/{saved.pk}/change/", {"name": "本会积分办法", "weights": '{"grades": []}'}
    )
    assert refused.status_code == 200 and "积分方案无法解析" in refused.content.decode()
    assert PointsScheme.objects.get().weights == {"activities": {"each": 3, "cap": 12}}
