"""seed_demo builds the demo committee through the services, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.demo import data
from xieshang.demo.organisations import KEPT
from xieshang.handling import assist
from xieshang.handling.models import Assignment, Item, Rating, RouteDecision
from xieshang.insight import services as insight_services
from xieshang.messages.models import Message
from xieshang.organisations.models import Committee, Member, Unit, User
from xieshang.proposals import services as proposal_services

pytestmark = pytest.mark.django_db
PASSWORD = "Demo#pass2023"


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def _seed(**kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", password=PASSWORD, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """One demo seeded for the module's tests (each runs in a savepoint inside it), rolled back after
    them: seeding the whole demo takes half a minute. Yields what the first run printed. The routing
    model its dispatches load is kept in a directory of its own and forgotten after."""
    models = tmp_path_factory.mktemp("models")
    with override_settings(XIESHANG_MODEL_DIR=models), django_db_blocker.unblock(), transaction.atomic():
        insight_services.forget_model()
        assist.router.forget()
        try:
            yield _seed()
        finally:
            transaction.set_rollback(True)
            insight_services.forget_model()
            assist.router.forget()


def test_seed_demo_twice_creates_nothing_the_second_time_and_keeps_everything(seeded):
    first = seeded
    after_first = _counts()
    second = _seed()
    after_second = _counts()
    assert "新建 无" in second, second
    changed = {k: (after_first[k], after_second[k]) for k in after_first if after_first[k] != after_second[k]}
    assert changed == {}
    # the logins are printed with the chosen password
    for username in data.ACCOUNTS:
        assert f"{username}" in first and PASSWORD in first


def test_seed_demo_builds_the_committee_its_people_and_places(seeded):
    committee = Committee.objects.get(short_name="禅城区政协")
    assert committee.level == Committee.Level.DISTRICT
    assert committee.parent.short_name == "佛山市政协"
    term = committee.terms.get(is_current=True)
    assert str(term) == "第五届"
    session = term.sessions.get(number=3)
    assert (str(session.opens_on), str(session.closes_on)) == ("2023-01-11", "2023-01-13")
    assert term.sessions.filter(number__lt=3).count() == 2

    members = Member.objects.filter(term=term)
    assert 280 <= members.count() <= 320
    assert 8 <= members.filter(is_standing=True).count() <= 12
    assert members.filter(is_hk_macao=True).count() == 6
    assert members.values("sector").distinct().count() == len(data.SECTORS)
    assert members.values("name").distinct().count() == members.count()

    # areas down to grids; every 镇街 has its unit, so escalation 村居 → 镇街 → 区 has somewhere to go
    assert Area.objects.filter(level=Area.Level.STREET).count() == 4
    assert Area.objects.filter(level=Area.Level.COMMUNITY).count() == 147
    assert Area.objects.filter(level=Area.Level.GRID).count() == 147 * 3
    streets = Unit.objects.filter(committee=committee, kind=Unit.Kind.STREET)
    assert sorted(u.area.name for u in streets) == sorted(a for _, a in data.STREET_UNITS)
    for unit in Unit.objects.filter(committee=committee, kind=Unit.Kind.COMMUNITY):
        assert streets.filter(area=unit.area.parent).exists(), unit
    assert Unit.objects.filter(committee=committee, kind=Unit.Kind.DEPARTMENT).count() >= 18


def _signs_in(username: str, password: str) -> bool:
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_every_demo_account_has_its_role_and_the_demo_password(seeded):
    for username, (role, office, *_rest) in data.ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert (user.role, user.office) == (role, office), username
        assert user.check_password(PASSWORD), username
        if role == User.Role.UNIT:
            assert user.unit is not None and user.unit.committee.short_name == "禅城区政协"
        if username in data.MEMBER_ACCOUNTS:
            assert user.member.term.is_current
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="leader").leader.title == "常务副区长"
    assert _signs_in("office", PASSWORD)


def test_a_run_with_another_password_leaves_existing_accounts_as_they_are(seeded):
    buffer = StringIO()
    call_command("seed_demo", password="Other#pass2024", no_messages=True, stdout=buffer)
    out = buffer.getvalue()
    office = User.objects.get(username="office")
    assert office.check_password(PASSWORD)
    assert not office.check_password("Other#pass2024")
    staff = User.objects.filter(username__regex=r"^unit_[ds]\d+$")
    assert staff.count() >= 15
    assert all(u.check_password(PASSWORD) for u in staff)
    # the list does not print a password that does not work
    assert "Other#pass2024" not in out
    assert re.search(rf"^\s+office\s+{re.escape(KEPT)}", out, re.M), out


def test_the_last_weeks_have_a_hotspot_and_a_probable_same_matter(seeded):
    """Four residents about one knitting factory's night work: the hotspot page's default period
    (the last 90 days) shows them as one matter, and the newest, still waiting, names the others."""
    from django.utils import timezone

    committee = Committee.objects.get(short_name="禅城区政协")
    now = timezone.now()
    rows, _n = assist.hotspot_rows(committee.pk, now - dt.timedelta(days=90), now + dt.timedelta(days=1))
    factory = [r for r in rows if "针织厂" in r.description]
    assert len(factory) == 1 and factory[0].count == 4
    assert {i.title for i in factory[0].items} >= {"张槎某针织厂夜间生产噪音扰民", "大富村针织厂半夜开机噪音扰民"}
    newest = Item.objects.get(title="大富村针织厂半夜开机噪音扰民")
    assert newest.status == Item.Status.PENDING
    same = assist.same_matter_items(newest, Item.objects.filter(committee=committee), wait=10)
    assert same is not None
    assert {i.title for i in same[:3]} == {i.title for i in factory[0].items} - {newest.title}


def test_citizen_messages_cover_every_state_of_the_loop(seeded):
    items = Item.objects.filter(channel="message")
    assert items.count() == Message.objects.count() >= 15
    statuses = set(items.values_list("status", flat=True))
    assert {"pending", "handling", "replied", "closed", "declined"} <= statuses
    assert items.filter(is_overdue=True, status="handling").count() == 1
    assert items.filter(returned_count__gt=0, status="pending").exists()
    escalated = Assignment.objects.get(status=Assignment.Status.ESCALATED)
    assert escalated.unit.kind == Unit.Kind.COMMUNITY
    onward = escalated.item.assignments.exclude(pk=escalated.pk).get()
    assert onward.unit.kind == Unit.Kind.STREET and onward.unit.area == escalated.unit.area.parent
    assert items.filter(is_supervised=True).exists()
    assert Assignment.objects.filter(role=Assignment.Role.CO).exists()
    assert Assignment.objects.filter(rehandle_count__gt=0, status="closed").exists()
    assert Assignment.objects.filter(extended_until__isnull=False).exists()
    values = set(Rating.objects.values_list("value", flat=True))
    assert {"satisfied", "basic", "unsatisfied"} <= values
    # histories run forward in time: accepted before assigned before closed
    for item in items.exclude(assigned_at=None):
        assert item.accepted_at <= item.assigned_at
        if item.closed_at:
            assert item.assigned_at <= item.closed_at
    # every state was reached through the services, so every item has an audit history
    from xieshang.core.models import AuditEntry

    for item in items:
        assert AuditEntry.objects.filter(thread=f"item:{item.pk}", action="accept").exists()


def test_seed_demo_runs_every_seed_demo_command_of_the_other_apps(monkeypatch):
    from xieshang.demo.management.commands import seed_demo

    ran: list[str] = []
    monkeypatch.setattr(
        seed_demo,
        "get_commands",
        lambda: {"seed_demo": "xieshang.organisations", "seed_demo_proposals": "x", "migrate": "django"},
    )
    monkeypatch.setattr(seed_demo, "call_command", lambda name, **kw: ran.append(name))
    _seed(no_messages=True)
    assert ran == ["seed_demo_proposals"]


def test_the_committee_people_and_units_are_dated_to_their_set_up_before_the_demo_year(seeded):
    from django.utils import timezone

    from xieshang.core.models import AuditEntry

    made = AuditEntry.objects.filter(action__in=["unit_create", "user_create", "member_create"])
    assert made.filter(action="user_create").count() >= len(data.ACCOUNTS)
    assert made.filter(action="unit_create").exists()
    days = {timezone.localtime(d).date() for d in made.values_list("created_at", flat=True)}
    assert days == {data.SET_UP_ON}
    staff = User.objects.filter(username__in=list(data.ACCOUNTS))
    assert {timezone.localtime(u.date_joined).date() for u in staff} == {data.SET_UP_ON}
    # the demo year's first proposals come after the set-up
    assert min(s[3] for s in data.SESSIONS[5] if s[3]) > data.SET_UP_ON


def test_demo_dispatches_record_what_was_suggested_and_what_was_chosen(seeded):
    """Each demo message assigned was assigned as on its page: the suggestion kept, the choice settled."""
    if not insight_services.shared_data_available():
        pytest.skip("shared data absent: no routing model, so no suggestions to record")
    assigned = Item.objects.filter(channel="message", assignments__isnull=False).distinct()
    decided = RouteDecision.objects.filter(item__in=assigned, decided_at__isnull=False)
    assert decided.count() == assigned.count() > 0
    for d in decided:
        lead = d.item.assignments.filter(role=Assignment.Role.LEAD).order_by("assigned_at", "id").first()
        assert d.chosen_unit_id == lead.unit_id
        assert d.accepted == (d.suggested_unit_id == d.chosen_unit_id)
        assert d.created_at <= d.decided_at <= lead.assigned_at + dt.timedelta(seconds=5)
    assert decided.filter(accepted=True).exists()


@pytest.mark.parametrize(
    ("subject", "unit"),
    [
        ("关于推进困境儿童关爱的几点建议", "区民政局"),
        ("关于完善托育服务体系的建议", "区卫生健康局"),
        ("关于加强校园周边交通安全工作的建议", "佛山市公安局禅城分局"),
        ("关于加强中小学心理健康教育的对策建议", "区教育局"),
        ("规范辖区长者饭堂运营：加强对长者饭堂消防安全的检查", "区民政局"),
        ("促进生活污水处理提质增效：在河涌排口设置监测点", "区住房城乡建设和水利局"),
        ("关于加快陶瓷产业数字化转型的建议", "区经济和科技促进局"),
        ("关于与本会无关的事", None),
    ],
)
def test_the_demo_office_sends_a_matter_to_the_unit_whose_duties_it_falls_under(subject, unit):
    from xieshang.demo.organisations import duty_unit

    assert duty_unit(subject) == unit


def test_every_department_and_street_has_staff_and_the_demo_assigns_by_duty(seeded):
    from xieshang.demo.organisations import duty_unit

    committee = Committee.objects.get(short_name="禅城区政协")
    for unit in Unit.objects.filter(committee=committee, kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.STREET]):
        assert User.objects.filter(role=User.Role.UNIT, unit=unit).exists(), unit
    leads = Assignment.objects.filter(item__committee=committee, role=Assignment.Role.LEAD, item__channel="proposal")
    assert leads.exists()
    for a in leads.select_related("item", "unit"):
        assert a.unit.name == duty_unit(a.item.title), a.item.title


def test_the_demo_retrains_the_routing_model_on_its_own_assignments(seeded):
    from xieshang.insight.models import RouterTraining

    committee = Committee.objects.get(short_name="禅城区政协")
    run = RouterTraining.objects.get()  # one, also after the second run of the seed
    assert run.n_samples == len(assist.training_plan(committee.pk).samples or []) >= assist.min_history()
    assert f"第 {run.pk} 次" in seeded


# The seed: the committee's 2022 year-end scorecard (一图读懂), each figure computed from the demo's records
# (the three city-brain figures entered by the office with their source).
SEED_2022 = {
    "study_sessions": 92, "leader_attendances": 13, "leader_instructions": 5, "linked_enterprises": 31,
    "enterprise_visits": 656, "enterprise_appeals": 45, "enterprise_appeals_solved": 43, "supervision_groups": 9,
    "supervision_problems_solved": 86, "volunteers": 15, "volunteer_service_times": 298,
    "inspections": 56, "research_reports": 7, "consultation_meetings": 15, "suggestions_collected": 135,
    "suggestions_converted": 102, "experts_invited": 16,
    "opinion_reports": 640, "micro_consultations": 16, "judicial_supervision_member_times": 84, "proposals_filed": 194,
    "proposals_assigned_after_merge": 153, "key_proposals_led": 11, "leaders_leading_key_proposals": 9,
    "suggestions_adopted": 69, "closure_rate": 100, "satisfaction_rate": 100,
    "city_brain_cost_reduction": 60.2, "city_brain_savings": 1.3, "village_window_reduction": 44, "reading_events": 6,
    "reading_person_times": 158, "station_people_served": 94, "station_suggestions": 17, "hkmo_proposals": 14,
    "hkmo_opinion_reports": 15,
    "rules_established": 10, "training_classes": 2, "topic_trainings": 6, "training_person_times": 725,
    "excellent_members": 58, "member_features": 10, "media_reports": 145,
}  # fmt: skip


def _scorecard() -> dict[str, dict]:
    out = StringIO()
    call_command("scorecard", "--committee", "chancheng", "--year", "2022", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["committee"] and data["year"] == 2022
    return {row["key"]: row for row in data["indicators"]}


def test_the_demo_years_scorecard_equals_the_seed(seeded):
    rows = _scorecard()
    assert {key: float(rows[key]["value"]) for key in SEED_2022} == {k: float(v) for k, v in SEED_2022.items()}
    manual = {k for k, row in rows.items() if row["source"] == "manual"}
    assert manual == {"city_brain_cost_reduction", "city_brain_savings", "village_window_reduction"}


def test_filing_one_more_proposal_changes_the_figure(seeded):
    committee = Committee.objects.get(slug="chancheng")
    office = User.objects.get(username="office")
    member = Member.objects.filter(committee=committee, user__isnull=False, is_hk_macao=False).order_by("id").first()
    with time_machine.travel(timezone.make_aware(dt.datetime(2022, 11, 15, 10, 0)), tick=False):
        draft = proposal_services.proposal_save_draft(actor=member.user, data=dict(EXTRA_PROPOSAL))
        proposal_services.proposal_submit(actor=member.user, proposal_id=draft.pk)
        proposal_services.proposal_file(actor=office, proposal_id=draft.pk)
    assert _scorecard()["proposals_filed"]["value"] == 195


EXTRA_PROPOSAL = {
    "title": "关于加快南庄镇紫南村污水管网改造的建议",
    "category": "城乡建设",
    "integrity": "researched",
    "declared": True,
    "situation": "紫南村部分片区仍为雨污合流，雨季污水外溢，群众反映强烈。",
    "analysis": "管网建设年代早、标准低，改造资金和施工协调未落实。",
    "suggestions": "一、将紫南村雨污分流纳入年度计划。\n二、明确区镇两级资金分担。\n三、施工期间做好交通疏导。",
}
