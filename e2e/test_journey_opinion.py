"""A member's opinion report from submission to a leader's instruction, in Chromium."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xieshang.core.models import Notification
from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, OpinionReport
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TEXT = (
    "近期，祖庙街道多个老旧小区居民反映加装电梯推进缓慢。经走访了解，主要原因是低层住户意见不一、"
    "费用分摊标准不明确、审批环节较多。\n建议：一是由区住建部门出台加装电梯费用分摊指引；"
    "二是街道、社区加强协调，开辟审批绿色通道；三是公开办理进度，接受群众监督。"
)


def shoot(page, name: str) -> None:
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"opinion-{name}-{label}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {label} width"
    page.set_viewport_size(before)


def logout(page) -> None:
    with page.expect_navigation():
        page.click("header form.logout button")


@pytest.fixture
def office_setup(db):
    committee = CommitteeFactory(name="政协佛山市禅城区委员会", short_name="禅城区政协")
    term = TermFactory(committee=committee)
    member = MemberFactory(
        term=term,
        with_user=True,
        name="周文博",
        party="民建会员",
        sector=SectorFactory(committee=committee, name="经济"),
    )
    info = UserFactory(information=True, committee=committee, username="info", full_name="吴嘉明")
    LeaderFactory(committee=committee, name="郑国华", title="区委书记")
    # Issues 1 to 11 of the year were compiled before this report arrived.
    for _ in range(11):
        services.issue_create(actor=info, committee=committee)
    return {"committee": committee, "member": member, "info": info}


def test_member_report_is_edited_adopted_released_in_issue_12_and_the_instruction_reaches_the_author(
    page, live_server, login, office_setup, browser_errors
):
    base = live_server.url
    member, info = office_setup["member"], office_setup["info"]
    page.on("dialog", lambda d: d.accept())

    # 1. The member submits a report; a second matter tacked on with 另外 is sent back first.
    login(page, member.user)
    page.goto(f"{base}/opinions/new/")
    page.fill("#id_title", "关于加快老旧小区加装电梯的建议")
    page.fill("#id_text", TEXT + "\n另外，小区门口路灯长期不亮，建议尽快维修。")
    with page.expect_navigation():
        page.click("button:has-text('报送')")
    assert "一事一报" in page.inner_text(".flash")
    assert OpinionReport.objects.count() == 0
    page.fill("#id_text", TEXT)
    assert_accessible(page)
    shoot(page, "submit")
    with page.expect_navigation():
        page.click("button:has-text('报送')")
    assert "已报送" in page.inner_text(".flash")
    report = OpinionReport.objects.get()
    logout(page)

    # 2. The information office edits the text (the original is kept) and adopts it.
    login(page, info)
    page.goto(f"{base}/opinions/office/")
    shoot(page, "office-list")
    with page.expect_navigation():
        page.click("text=关于加快老旧小区加装电梯的建议")
    with page.expect_navigation():
        page.click("text=编辑正文")
    page.fill("#id_text", TEXT.replace("经走访了解", "经委员走访了解"))
    page.fill("#id_note", "补充调研来源")
    with page.expect_navigation():
        page.click("button:has-text('保存修改')")
    assert "原稿" in page.inner_text("main")
    with page.expect_navigation():
        page.click("button:has-text('采用')")
    assert "已采用" in page.inner_text(".flash")

    # 3. A new issue gets number 12; the report goes into it and the issue is released.
    page.goto(f"{base}/opinions/issues/")
    with page.expect_navigation():
        page.click("button:has-text('新建一期')")
    year = timezone.localdate().year
    assert f"《社情民意》{year}年第12期" in page.inner_text("h1")
    page.check(f"input[name=report][value='{report.pk}']")
    with page.expect_navigation():
        page.click("button:has-text('编入本期')")
    assert_accessible(page)
    shoot(page, "issue-draft")
    with page.expect_navigation():
        page.click("button:has-text('签发')")
    assert "已签发报送" in page.inner_text(".flash")
    issue = BulletinIssue.objects.get(number=12, year=year)
    assert issue.status == "released" and issue.releases.count() == 3
    with page.expect_download() as dl:
        page.click("text=下载 Word 版")
    assert dl.value.suggested_filename.endswith(".docx")
    shoot(page, "issue-released")

    # 4. A leader's written instruction is recorded on the report.
    page.goto(f"{base}/opinions/reports/{report.pk}/")
    page.select_option("#id_instruction-leader", label="区委书记 郑国华")
    page.select_option("#id_instruction-level", value="district")
    page.fill("#id_instruction-text", "请区住建水利局牵头研究，年内出台费用分摊指引。")
    with page.expect_navigation():
        page.click("button:has-text('登记批示')")
    assert "已登记领导批示" in page.inner_text(".flash")
    shoot(page, "office-detail")
    logout(page)

    # 5. The author sees the fate of the report and the instruction, and was notified.
    login(page, member.user)
    assert Notification.objects.filter(recipient=member.user, title__contains="批示").exists()
    page.goto(f"{base}/opinions/")
    assert "第12期" in page.inner_text("main")
    with page.expect_navigation():
        page.click("text=关于加快老旧小区加装电梯的建议")
    main = page.inner_text("main")
    assert "请区住建水利局牵头研究" in main and "区委书记 郑国华" in main and f"{year}年第12期" in main
    assert_accessible(page)
    shoot(page, "author-sees-instruction")
    assert not browser_errors, browser_errors
