"""Journey: a member drafts a joint proposal, the co-signer confirms, the office files it and assigns it
会办, the co-unit sends its opinion, the lead unit records contact and replies B ticking the two
suggestions it adopts, the office passes it, both proposers rate it 满意, it is closed, the rates page shows
it and the office marks it an excellent proposal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    MemberFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.proposals.models import Proposal

from .conftest import PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser
DESKTOP_SHOT = {"width": 1280, "height": 800}


@pytest.fixture
def people(transactional_db):
    committee = CommitteeFactory(name="禅城区政协", short_name="禅城区")
    term = TermFactory(committee=committee, number=5)
    today = timezone.localdate()
    SessionFactory(
        term=term,
        number=3,
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=2),
        proposals_from=today - dt.timedelta(days=20),
        proposals_until=today + dt.timedelta(days=2),
    )
    lead_unit = UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    co_unit = UnitFactory(committee=committee, name="区财政局")
    return {
        "first": MemberFactory(term=term, committee=committee, name="张晓梅", with_user=True).user,
        "cosigner": MemberFactory(term=term, committee=committee, name="李国华", with_user=True).user,
        "office": UserFactory(committee=committee, office=True, username="tianwei", full_name="田伟"),
        "lead": UserFactory(committee=committee, role=User.Role.UNIT, unit=lead_unit, username="zhujian"),
        "co": UserFactory(committee=committee, role=User.Role.UNIT, unit=co_unit, username="caizheng"),
    }


def _as(page, login, user):
    page.context.clear_cookies()
    login(page, user)


def _submit(page, selector):
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def _shoot(page, name):
    size = page.viewport_size
    page.set_viewport_size(DESKTOP_SHOT)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(size)


def test_member_files_joint_proposal_and_both_proposers_rate_the_reply(
    page, phone_page, live_server, login, people, browser_errors
):
    url = live_server.url
    # 1. The first proposer drafts.
    _as(page, login, people["first"])
    page.goto(f"{url}/proposals/new/")
    page.fill("#id_title", "关于加快老旧小区加装电梯的建议")
    page.select_option("#id_category", "城乡建设")
    page.fill("#id_situation", "我区 2000 年前建成的老旧小区 1200 余栋，老年人上下楼困难。")
    page.fill("#id_analysis", "审批环节多，居民意见难统一，资金筹措难。")
    page.fill("#id_suggestions", "一、简化审批流程。\n二、设立专项补贴。\n三、建立协商议事机制。")
    page.check("input[name=integrity][value=researched]")
    page.check("#id_declared")
    assert_accessible(page)
    _shoot(page, "proposal-draft-form")
    _submit(page, "text=保存草稿")
    assert "草稿已保存" in page.inner_text("main")
    proposal = Proposal.objects.get()
    page.select_option("#id_members", label="李国华")
    _submit(page, "text=保存联名人")
    _submit(page, "#submit-proposal")
    assert "待联名确认" in page.inner_text("#status")
    assert "李国华" in page.inner_text("#cosign-message")
    _shoot(page, "proposal-awaiting-cosigner")

    # 2. The co-signer confirms from their list.
    _as(page, login, people["cosigner"])
    page.goto(f"{url}/proposals/")
    page.click("text=关于加快老旧小区加装电梯的建议 >> nth=0")
    _submit(page, "text=确认联名")
    assert "待审查" in page.inner_text("#status")

    # 3. The office files it and assigns it 会办.
    _as(page, login, people["office"])
    page.goto(f"{url}/proposals/review/")
    assert_accessible(page)
    _shoot(page, "proposal-review-queue")
    page.goto(f"{url}/proposals/{proposal.pk}/")
    assert_accessible(page)
    _shoot(page, "proposal-review")
    _submit(page, "#file-proposal")
    assert "第五届第三次会议第0001号" in page.inner_text("#number")
    page.check("input[name=mode][value=joint]")
    page.select_option("#id_lead_units", label="区住房城乡建设和水利局")
    page.select_option("#id_co_units", label="区财政局")
    _submit(page, "#assign-proposal")
    assert "办理中" in page.inner_text("#handling")
    item_url = page.get_attribute("#item-link", "href")

    # 4. The co-unit signs and sends its opinion to the lead unit.
    _as(page, login, people["co"])
    page.goto(f"{url}{item_url}")
    _submit(page, "button:has-text('签收')")
    page.click("details#opinion summary")
    page.fill("details#opinion textarea", "同意主办单位意见，财政将统筹安排加装电梯补贴资金。")
    _submit(page, "details#opinion button[type=submit]")
    assert "会办意见" in page.inner_text("main")

    # 5. The lead unit signs, records the contact and replies B with 2 adopted suggestions.
    _as(page, login, people["lead"])
    page.goto(f"{url}{item_url}")
    _submit(page, "button:has-text('签收')")
    page.click("details#contact summary")
    page.select_option("details#contact select", "meeting")
    when = timezone.localtime() - dt.timedelta(minutes=5)
    page.fill("details#contact input[type=datetime-local]", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("details#contact textarea", "与两位提案人面谈，听取意见。")
    _submit(page, "details#contact button[type=submit]")
    page.click("details#reply summary")
    page.select_option("details#reply select", "B")
    page.fill("details#reply textarea >> nth=0", "已将加装电梯列入 2023 年民生实事计划，简化审批并设立补贴。")
    # the proposal's suggestions are checkboxes: the unit ticks the two it adopts
    assert "建议3：建立协商议事机制。" in page.inner_text("details#reply")
    page.check("details#reply label:has-text('建议1：简化审批流程。') input")
    page.check("details#reply label:has-text('建议2：设立专项补贴。') input")
    assert_accessible(page)
    _shoot(page, "proposal-reply-suggestions")
    phone_page.context.clear_cookies()
    login(phone_page, people["lead"])
    phone_page.goto(f"{url}{item_url}")
    phone_page.click("details#reply summary")
    screenshot(phone_page, "proposal-reply-suggestions-390")
    _submit(page, "details#reply button[type=submit]")
    _shoot(page, "proposal-unit-replied")

    # 6. The office passes the reply.
    _as(page, login, people["office"])
    page.goto(f"{url}{item_url}")
    _submit(page, "button[value=pass]")

    # 7. Both proposers rate it 满意; then it is closed.
    for who in ("first", "cosigner"):
        _as(page, login, people[who])
        page.goto(f"{url}/proposals/{proposal.pk}/")
        assert "采纳建议 2 条" in page.inner_text("#loop")
        page.check("#rate input[name=value][value=satisfied]")
        assert_accessible(page)
        _shoot(page, f"proposal-rate-{who}")
        _submit(page, "#rate button[type=submit]")
        assert "评价已提交" in page.inner_text("main")
    assert "已办结" in page.inner_text("#handling")
    proposal.refresh_from_db()
    assert proposal.handling == "closed"

    # 8. The rates page counts it.
    _as(page, login, people["office"])
    page.goto(f"{url}/proposals/rates/")
    assert page.inner_text("[data-key=closed_rate] b") == "100.0%"
    assert page.inner_text("[data-key=satisfaction] b") == "100.0%"
    assert page.inner_text("[data-key=adopted] b") == "2"
    assert page.inner_text("[data-key=share_b] b") == "100.0%"
    assert_accessible(page)
    _shoot(page, "proposal-rates")

    # 9. The office marks it an excellent proposal (优秀提案) of the year.
    page.goto(f"{url}/proposals/{proposal.pk}/")
    page.fill("#excellent_note", "经主席会议审定")
    _submit(page, "#mark-excellent")
    assert "已评为优秀提案" in page.inner_text("main")
    assert f"{proposal.year}年度优秀提案" in page.inner_text("#excellent-tag")
    assert_accessible(page)
    _shoot(page, "proposal-excellent")
    phone_page.context.clear_cookies()
    login(phone_page, people["office"])
    phone_page.goto(f"{url}/proposals/{proposal.pk}/")
    screenshot(phone_page, "proposal-excellent-390")
    page.goto(f"{url}/proposals/review/?excellent=1")
    assert proposal.title in page.inner_text("#all")

    # The same pages at phone size.
    _as(phone_page, login, people["office"])
    for path, name in ((f"/proposals/{proposal.pk}/", "proposal-detail"), ("/proposals/rates/", "proposal-rates")):
        phone_page.goto(f"{url}{path}")
        assert phone_page.viewport_size == PHONE
        screenshot(phone_page, f"{name}-390")
    assert browser_errors == []
