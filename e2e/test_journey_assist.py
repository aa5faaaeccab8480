"""Journeys of the smart assistance: the dispatcher opens a new citizen message, sees the suggested
unit with its confidence, takes it with 采用建议 and assigns; a member drafting a proposal sees the
filed proposal about the same matter. Screenshots of the item page with the panel, 热点分析 and
智能交办模型 at 1280×800 and 390×844."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from django.utils import timezone

from xieshang.handling import assist
from xieshang.handling import services as loop
from xieshang.handling.models import Item, RouteDecision
from xieshang.insight import services as insight_services
from xieshang.messages import services as message_services
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    MemberFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.proposals import services as ps

from .conftest import PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser
DESKTOP_SHOT = {"width": 1280, "height": 800}

HOUSING = ["小区加装电梯", "老旧小区改造", "楼房外墙脱落", "住宅楼顶漏水", "违章搭建阁楼", "物业维修基金"]
SCHOOL = ["学校学位紧张", "幼儿园收费过高", "小学课后托管", "中学校服质量", "教师编制不足", "学生午餐营养"]
TRAFFIC = ["公交线路太少", "路口红绿灯时长", "道路拥堵严重", "公交站台破损", "货车超载上路", "地铁接驳公交"]
PLACES = ["张槎", "石湾", "祖庙"]


def _samples(units: dict[str, str]) -> list[tuple[str, str, str]]:
    out = []
    for topic, place in itertools.product(HOUSING, PLACES):
        out.append((f"关于{place}{topic}的问题", f"{place}{topic}，住户反映房屋和楼道问题多。", units["housing"]))
    for topic, place in itertools.product(SCHOOL, PLACES):
        out.append((f"关于{place}{topic}的问题", f"{place}{topic}，家长反映孩子上学读书不便。", units["school"]))
    for topic, place in itertools.product(TRAFFIC, PLACES):
        out.append((f"关于{place}{topic}的问题", f"{place}{topic}，市民出行坐车走路不便。", units["traffic"]))
    return out


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    settings.XIESHANG_SHARED_DATA = tmp_path / "no-shared-data"
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()
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
    housing = UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    school = UnitFactory(committee=committee, name="区教育局")
    traffic = UnitFactory(committee=committee, name="区交通运输局")
    insight_services.route_train(_samples({"housing": housing.name, "school": school.name, "traffic": traffic.name}))
    # a little history of the committee's own, so that 重新训练 learns from it
    settings.XIESHANG_ROUTING_MIN_HISTORY = 2
    office = UserFactory(committee=committee, office=True, username="tianwei", full_name="田伟")
    for title, text, unit in (
        ("石湾学校学位紧张", "石湾学校学位紧张，孩子上学难。", school),
        ("祖庙公交线路太少", "祖庙公交线路太少，市民出行不便。", traffic),
    ):
        done = _message(committee, title, text)
        loop.item_assign(item_id=done.item_id, actor=office, mode=Item.Mode.SINGLE, lead_units=[unit])
    yield {
        "committee": committee,
        "housing": housing,
        "office": office,
        "member": MemberFactory(term=term, committee=committee, name="张晓梅", with_user=True).user,
        "other_member": MemberFactory(term=term, committee=committee, name="李国华", with_user=True).user,
    }
    insight_services.forget_model()
    assist.router.forget()
    assist.forget_indexes()


def _message(committee, title: str, text: str, consent: bool = True):
    msg, _ = message_services.message_submit(
        committee=committee,
        submission_token=uuid.uuid4(),
        kind="suggestion",
        title=title,
        text=text,
        name="市民",
        phone="13800000000",
        publish_consent=consent,
    )
    return msg


def _shoot(page, name: str) -> None:
    size = page.viewport_size
    page.set_viewport_size(DESKTOP_SHOT)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(size)


def test_dispatcher_takes_the_suggested_unit_and_assigns(page, phone_page, live_server, login, people, browser_errors):
    url = live_server.url
    committee = people["committee"]
    earlier = _message(
        committee, "张槎小区加装电梯进展慢", "张槎某小区楼房没有电梯，老人上下楼困难，加装电梯进展缓慢。"
    )
    _message(committee, "张槎小区老人盼加装电梯", "张槎小区的老人上下楼困难，请尽快为楼房加装电梯。")
    _message(committee, "石湾工地夜间施工噪音", "石湾工地夜间施工噪音很大，居民无法休息。")
    _message(committee, "石湾工地深夜施工扰民", "石湾某工地深夜施工，噪音扰民严重。")
    msg = _message(
        committee, "关于张槎小区加装电梯的问题", "张槎某小区楼房没有电梯，老人上下楼困难，住户希望加装电梯。"
    )
    item = Item.objects.get(pk=msg.item_id)

    login(page, people["office"])
    page.goto(f"{url}/handling/items/{item.pk}/")
    panel = page.locator("#assist-panel .assist-suggestions")
    panel.wait_for()
    first = page.locator(".assist-suggestions li").first
    assert "区住房城乡建设和水利局" in first.inner_text() and "置信度" in first.inner_text()
    similar = page.locator(".assist-similar")
    assert f"#{earlier.item_id}" in similar.inner_text()
    assert_accessible(page)
    _shoot(page, "assist-item-panel")
    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(f"{url}/handling/items/{item.pk}/")
    phone_page.locator(".assist-suggestions").wait_for()
    screenshot(phone_page, "assist-item-panel-390")

    first.get_by_role("button", name="采用建议：区住房城乡建设和水利局").click()
    selected = page.eval_on_selector("#id_lead_units", "s => Array.from(s.selectedOptions).map(o => o.text)")
    assert selected == ["区住房城乡建设和水利局"]
    assert page.is_checked("input[name=mode][value=single]")
    with page.expect_navigation():
        page.click("#assign-form button[type=submit]")
    assert "已交办" in page.inner_text("main")
    decision = RouteDecision.objects.get(item=item)
    assert decision.accepted is True and decision.chosen_unit == people["housing"]

    # 热点分析 and 智能交办模型 as the office sees them
    page.goto(f"{url}/handling/hotspots/")
    assert "热点问题表" in page.inner_text("main")
    rows = page.locator("table.hotspot-table tbody tr")
    assert rows.count() == 2 and "电梯" in rows.first.inner_text()
    assert_accessible(page)
    _shoot(page, "assist-hotspots")
    phone_page.goto(f"{url}/handling/hotspots/")
    screenshot(phone_page, "assist-hotspots-390")
    page.goto(f"{url}/handling/assist/model/")
    assert "100.0%" in page.inner_text("main")  # one suggestion decided, one accepted
    with page.expect_navigation():
        page.click("text=重新训练")
    assert "已完成" in page.inner_text("main")
    assert_accessible(page)
    _shoot(page, "assist-model")
    phone_page.goto(f"{url}/handling/assist/model/")
    screenshot(phone_page, "assist-model-390")
    assert not browser_errors, browser_errors


def test_member_drafting_a_proposal_sees_the_similar_filed_one(page, live_server, login, people, browser_errors):
    other = people["other_member"]
    existing = ps.proposal_save_draft(
        actor=other,
        data={
            "title": "关于推进既有住宅加装电梯的提案",
            "situation": "既有住宅没有电梯，老人上下楼难。",
            "analysis": "审批环节多，资金筹措难。",
            "suggestions": "既有住宅加装电梯推进慢，建议简化审批，财政补贴加装电梯。",
            "category": "城乡建设",
            "integrity": "researched",
            "declared": True,
        },
    )
    ps.proposal_submit(actor=other, proposal_id=existing.pk)
    ps.proposal_file(actor=people["office"], proposal_id=existing.pk)

    url = live_server.url
    login(page, people["member"])
    page.goto(f"{url}/proposals/new/")
    page.fill("#id_title", "关于加快老旧小区加装电梯的建议")
    page.select_option("#id_category", "城乡建设")
    page.fill("#id_situation", "我区老旧小区多，老年人上下楼困难。")
    page.fill("#id_analysis", "加装电梯审批环节多，资金筹措难。")
    page.fill("#id_suggestions", "一、简化加装电梯审批流程。\n二、设立加装电梯财政补贴。")
    page.check("input[name=integrity][value=researched]")
    page.check("#id_declared")
    with page.expect_navigation():
        page.click("text=保存草稿")
    similar = page.locator("#similar")
    assert "关于推进既有住宅加装电梯的提案" in similar.inner_text()
    page.set_viewport_size(DESKTOP_SHOT)
    screenshot(page, "assist-proposal-similar-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "assist-proposal-similar-390")
    assert not browser_errors, browser_errors
