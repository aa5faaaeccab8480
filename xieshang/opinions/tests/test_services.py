import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from docx import Document

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.opinions import rules, scoring, selectors, services
from xieshang.opinions.bulletin import issue_docx
from xieshang.opinions.models import Adoption, BulletinIssue, OpinionReport, ScoreRule

from .conftest import GOOD_TEXT

pytestmark = pytest.mark.django_db


def submit(user, title="关于加快老旧小区加装电梯的建议", text=GOOD_TEXT, **kw):
    report, created = services.report_submit(actor=user, submission_token=uuid.uuid4(), title=title, text=text, **kw)
    assert created
    return report


def released(member, info_office, committee):
    report = submit(member.user)
    services.report_adopt(actor=info_office, report_id=report.pk)
    issue = services.issue_create(actor=info_office, committee=committee)
    services.issue_add_report(actor=info_office, issue_id=issue.pk, report_id=report.pk)
    services.issue_release(actor=info_office, issue_id=issue.pk, recipients=["party", "government", "parent"])
    report.refresh_from_db()
    return report


def test_member_submits_and_the_original_is_kept(member):
    report = submit(member.user)
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.sector_name == "经济界" and report.party == "民建"
    assert list(report.versions.values_list("number", "note")) == [(1, "原稿")]


def test_double_submit_with_the_same_token_creates_one_report(member):
    token = uuid.uuid4()
    a, created_a = services.report_submit(
        actor=member.user, submission_token=token, title="关于停车的建议", text=GOOD_TEXT
    )
    b, created_b = services.report_submit(
        actor=member.user, submission_token=token, title="关于停车的建议", text=GOOD_TEXT
    )
    assert a.pk == b.pk and created_a and not created_b
    assert OpinionReport.objects.count() == 1


def test_a_report_over_the_length_limit_is_sent_back_with_the_reason(member):
    with pytest.raises(ServiceError, match=f"超过 {rules.MAX_CHARS} 字"):
        submit(member.user, text="情况" * 800)
    assert OpinionReport.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    [
        GOOD_TEXT + "\n另外，小区门口的路灯也长期不亮，建议尽快维修。",
        "一、关于加装电梯的问题\n" + GOOD_TEXT + "\n二、关于路灯不亮的问题\n路灯长期不亮，影响夜间出行，建议维修。",
    ],
)
def test_a_likely_two_matter_report_is_sent_back_unless_the_author_confirms(member, text):
    with pytest.raises(ServiceError, match="一事一报"):
        submit(member.user, text=text)
    assert OpinionReport.objects.count() == 0
    report = submit(member.user, text=text, confirm_single=True)
    assert report.single_matter_confirmed


def test_numbered_sections_of_one_matter_are_not_flagged():
    text = "一、基本情况\n" + GOOD_TEXT + "\n二、存在问题\n审批慢。\n三、意见建议\n开辟绿色通道。"
    assert not rules.check("关于加装电梯的建议", text).flagged_two_matters


def test_office_edits_keep_every_version_and_a_stale_edit_is_refused(member, info_office):
    report = submit(member.user)
    services.report_edit(
        actor=info_office,
        report_id=report.pk,
        title="关于加快老旧小区加装电梯的建议（编辑稿）",
        text=GOOD_TEXT + "（已核实）",
        note="核实数据",
        expected_version=report.version,
    )
    report.refresh_from_db()
    assert report.title.endswith("（编辑稿）")
    assert [v.number for v in report.versions.all()] == [1, 2]
    assert report.versions.get(number=1).text == GOOD_TEXT
    with pytest.raises(ConflictError):
        services.report_edit(actor=info_office, report_id=report.pk, title="再改", text=GOOD_TEXT, expected_version=0)


def test_only_the_information_office_edits_and_adopts(member, other_member, proposals_office):
    report = submit(member.user)
    for actor in (member.user, other_member.user, proposals_office):
        with pytest.raises(PermissionDeniedError):
            services.report_adopt(actor=actor, report_id=report.pk)
        with pytest.raises(PermissionDeniedError):
            services.report_edit(actor=actor, report_id=report.pk, title="x", text=GOOD_TEXT)


def test_the_same_level_cannot_adopt_twice(member, info_office, committee):
    report = released(member, info_office, committee)
    services.report_record_adoption(
        actor=info_office, report_id=report.pk, level="city", adopted_on=dt.date(2022, 5, 1)
    )
    with pytest.raises(ConflictError, match="同一级别不能重复登记"):
        services.report_record_adoption(
            actor=info_office, report_id=report.pk, level="city", adopted_on=dt.date(2022, 5, 2)
        )
    with pytest.raises(ConflictError):
        services.report_adopt(actor=info_office, report_id=report.pk)
    assert report.adoptions.filter(level="city").count() == 1


def test_an_instruction_on_an_unreleased_report_is_refused(member, info_office, leader):
    report = submit(member.user)
    services.report_adopt(actor=info_office, report_id=report.pk)
    with pytest.raises(ConflictError, match="须先编刊签发"):
        services.report_record_instruction(
            actor=info_office,
            report_id=report.pk,
            leader=leader,
            level="district",
            given_on=timezone.localdate(),
            text="请区住建局研究落实。",
        )
    assert report.instructions.count() == 0


def test_release_adopts_into_the_issue_and_an_instruction_reaches_the_author(
    member, info_office, committee, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = released(member, info_office, committee)
        services.report_record_instruction(
            actor=info_office,
            report_id=report.pk,
            leader=leader,
            level="district",
            given_on=timezone.localdate(),
            text="请区住建局研究落实。",
        )
    assert report.status == OpinionReport.Status.RELEASED
    own = report.adoptions.get(level=Adoption.Level.OWN)
    assert own.issue_label == report.issue.label
    assert report.issue.releases.count() == 3
    titles = list(Notification.objects.filter(recipient=member.user).values_list("title", flat=True))
    assert any("批示" in t for t in titles)
    assert any("已被采用" in t for t in titles)


def test_scoring_uses_the_configurable_table(member, info_office, committee):
    report = released(member, info_office, committee)
    assert scoring.score(report) == 1
    services.report_record_adoption(
        actor=info_office, report_id=report.pk, level="city", adopted_on=dt.date(2022, 5, 1)
    )
    services.report_record_instruction(
        actor=info_office,
        report_id=report.pk,
        level="city",
        given_on=dt.date(2022, 5, 3),
        text="阅，请研究。",
        leader_name="李四",
        leader_title="市长",
    )
    assert scoring.score(report) == 1 + 5 + 10
    ScoreRule.objects.create(committee=committee, key="adopt_city", points=8)
    assert scoring.score(report) == 1 + 8 + 10


def test_adoption_rate_counts_decided_reports(member, other_member, info_office):
    a = submit(member.user)
    submit(member.user, title="关于校园周边交通的建议")
    c = submit(other_member.user, title="关于河涌治理的建议")
    services.report_adopt(actor=info_office, report_id=a.pk)
    services.report_return(actor=info_office, report_id=c.pk, reason="请补充数据")
    s = selectors.adoption_stats(info_office, timezone.localdate().year)
    assert (s["adopted"], s["submitted"], s["rate"]) == (1, 2, 50.0)
    assert {r["name"]: r["rate"] for r in s["by_sector"]} == {"经济界": 50.0}


def test_transfer_goes_through_the_loop_and_the_author_rates(member, info_office, committee, unit, unit_user):
    report = released(member, info_office, committee)
    item = services.report_transfer(actor=info_office, report_id=report.pk, unit=unit)
    assert item.channel == "opinion" and item.source_id == report.pk and item.status == Item.Status.HANDLING
    with pytest.raises(ConflictError):
        services.report_transfer(actor=info_office, report_id=report.pk, unit=unit)
    a = item.assignments.get()
    loop.assignment_sign(assignment_id=a.pk, actor=unit_user)
    loop.assignment_reply(
        assignment_id=a.pk,
        actor=unit_user,
        body="已制定分摊指引。",
        category="adopted",
        measures="出台加装电梯费用分摊指引",
    )
    loop.assignment_rate(assignment_id=a.pk, rater_key=f"user:{member.user.pk}", value="satisfied", actor=member.user)
    assert Assignment.objects.get(pk=a.pk).status == Assignment.Status.CLOSED


def test_issue_docx_opens_and_lists_its_reports(member, info_office, committee):
    report = released(member, info_office, committee)
    doc = Document(io.BytesIO(issue_docx(report.issue)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "社情民意" in text and f"{report.issue.year}年第{report.issue.number}期" in text
    assert report.title in text and "反映人：王委员" in text
    assert "报送：中共佛山市禅城区委员会、佛山市禅城区人民政府、佛山市政协" in text


def test_issue_numbers_run_per_year(info_office, committee):
    a = services.issue_create(actor=info_office, committee=committee, year=2022)
    b = services.issue_create(actor=info_office, committee=committee, year=2022)
    c = services.issue_create(actor=info_office, committee=committee, year=2023)
    assert (a.number, b.number, c.number) == (1, 2, 1)


def test_an_empty_issue_cannot_be_released_and_a_released_one_is_frozen(member, info_office, committee):
    issue = services.issue_create(actor=info_office, committee=committee)
    with pytest.raises(ServiceError, match="还没有编入"):
        services.issue_release(actor=info_office, issue_id=issue.pk, recipients=["party"])
    report = released(member, info_office, committee)
    other = submit(member.user, title="关于公园如厕难的建议")
    services.report_adopt(actor=info_office, report_id=other.pk)
    with pytest.raises(ConflictError):
        services.issue_add_report(actor=info_office, issue_id=report.issue_id, report_id=other.pk)
    assert BulletinIssue.objects.get(pk=report.issue_id).reports.count() == 1
