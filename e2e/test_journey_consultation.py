"""有事禅商量 in Chromium: a topic from the portal to suggestions turned into measures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.consultations.models import Participant, SignInAttempt, Suggestion, Topic
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"consultation-{name}-{label}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {label} width"
    page.set_viewport_size(before)


def logout(page) -> None:
    with page.expect_navigation():
        page.click("header form.logout button")


@pytest.fixture
def people(db):
    committee = CommitteeFactory(name="政协佛山市禅城区委员会", short_name="禅城区政协")
    term = TermFactory(committee=committee)
    jianshe = UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    UnitFactory(committee=committee, name="区民政局")
    return {
        "committee": committee,
        "office": UserFactory(
            username="mishu", role="office", office="secretariat", committee=committee, full_name="周秘书"
        ),
        "member": MemberFactory(term=term, with_user=True, name="苏雅婷"),
        "stranger": MemberFactory(term=term, with_user=True, name="陈立"),
        "staff": UserFactory(
            unit_staff=True, committee=committee, unit=jianshe, username="jianshe", full_name="张伟强"
        ),
    }


def test_portal_topic_is_selected_consulted_with_sign_in_and_two_of_three_suggestions_become_measures(
    page, phone_page, live_server, login, people, browser_errors
):
    base = live_server.url
    year = timezone.localdate().year

    # 1. A resident suggests a topic on the portal, on a phone, without an account.
    phone_page.goto(f"{base}/consultations/public/")
    with phone_page.expect_navigation():
        phone_page.click("text=我要提议题")
    phone_page.fill("#id_title", "关于社区长者饭堂规范运营的议题")
    phone_page.fill("#id_description", "小区长者饭堂菜品单一、价格偏高，希望政协组织部门和居民一起商量解决。")
    phone_page.fill("#id_proposer_name", "陈伯")
    phone_page.fill("#id_proposer_phone", "13800138000")
    assert_accessible(phone_page)
    shoot(phone_page, "portal-topic")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('提交议题')")
    assert "议题已提交" in phone_page.inner_text("h1")
    topic = Topic.objects.get()
    assert topic.reference in phone_page.inner_text("main")

    # 2. The office puts it into the year's consultation plan.
    page.on("dialog", lambda d: d.accept())
    login(page, people["office"])
    page.goto(f"{base}/consultations/?status=proposed")
    with page.expect_navigation():
        page.click("text=关于社区长者饭堂规范运营的议题")
    page.fill("#id_lead", "社会和法制委员会")
    with page.expect_navigation():
        page.click("button:has-text('列入年度协商计划')")
    assert "已列入年度协商计划" in page.inner_text(".flash")

    # 3. A consultation meeting for the topic, starting now, with a member invited.
    with page.expect_navigation():
        page.click("text=为本议题安排活动")
    now = timezone.localtime()
    page.select_option("#id_kind", value="meeting")
    page.fill("#id_title", "长者饭堂规范运营专题协商会")
    page.fill("#id_starts_at", (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_location", "区政协三楼会议室")
    page.fill("#id_agenda", "一、区民政局通报情况\n二、委员提问\n三、部门答复\n四、委员、居民代表发言")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    # it started five minutes ago: the page says so and asks to confirm before saving
    assert "已经过去" in page.inner_text("main")
    page.check("#id_confirm_schedule")
    with page.expect_navigation():
        page.click("button:has-text('保存')")
    activity_url = page.url
    page.select_option("#id_invite-kind", value="member")
    page.select_option("#id_invite-member", label="苏雅婷")
    with page.expect_navigation():
        page.click("button:has-text('加入名单')")
    assert "已加入邀请名单" in page.inner_text(".flash")
    qr_ok = page.evaluate(
        "() => { const i = document.querySelector('img.qr'); return i.complete && i.naturalWidth > 0; }"
    )
    assert qr_ok, "the sign-in QR code did not load"
    signin_url = page.get_attribute("a:has-text('签到链接')", "href")
    assert_accessible(page)
    shoot(page, "activity")

    # 4. The invited member scans the code on her phone and signs in; a stranger is told he is not on
    # the list before any button is offered.
    login(phone_page, people["stranger"].user)
    phone_page.goto(signin_url)
    assert "不在本次活动的邀请名单" in phone_page.inner_text("main")
    assert not phone_page.locator("button:has-text('确认签到')").count()
    logout(phone_page)
    login(phone_page, people["member"].user)
    phone_page.goto(signin_url)
    shoot(phone_page, "signin")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('确认签到')")
    assert "签到成功" in phone_page.inner_text("main")
    shoot(phone_page, "signed-in")
    assert Participant.objects.get(user=people["member"].user).attendance == "present"
    assert not SignInAttempt.objects.filter(ok=False).exists()  # nobody was refused after a click

    # 5. Three suggestions from the meeting, each sent to a unit.
    page.goto(activity_url)
    for title, text in [
        ("统一长者饭堂服务标准", "建议由区民政局制定长者饭堂服务标准，统一菜品和价格公示。"),
        ("按季度公开助餐补贴发放", "建议按季度公开助餐补贴发放情况，接受群众监督。"),
        ("新建小区配建长者饭堂", "建议在新建小区规划中配建长者饭堂用房。"),
    ]:
        page.fill("#id_suggest-title", title)
        page.fill("#id_suggest-text", text)
        with page.expect_navigation():
            page.click("button:has-text('记录建议')")
        assert "建议已记录" in page.inner_text(".flash")
    for s in Suggestion.objects.order_by("id"):
        page.select_option(f"#unit-{s.pk}", label="区住房城乡建设和水利局")
        with page.expect_navigation():
            page.locator(f"#unit-{s.pk}").locator("xpath=..").locator("button").click()
        assert "已交办" in page.inner_text(".flash")
    assert Suggestion.objects.filter(item__isnull=False).count() == 3
    shoot(page, "suggestions-sent")
    logout(page)

    # 6. The unit signs for two of them and replies with the measures it takes.
    login(page, people["staff"])
    measures = ["制定《长者饭堂服务规范》，统一菜品公示", "建立助餐补贴季度公示制度"]
    for s, measure in zip(Suggestion.objects.order_by("id")[:2], measures, strict=True):
        page.goto(f"{base}/handling/items/{s.item_id}/")
        with page.expect_navigation():
            page.click("button:has-text('签收')")
        page.click("summary:has-text('答复')")
        page.select_option("select[name$='-category']", value="adopted")
        page.fill("textarea[name$='-body']", "我局已认真研究该建议并落实。")
        page.fill("textarea[name$='-measures']", measure)
        with page.expect_navigation():
            page.click("button:has-text('提交答复')")
        assert "答复已提交" in page.inner_text(".flash")
    logout(page)

    # 7. The topic page shows 2 of 3 suggestions turned into department measures.
    login(page, people["office"])
    page.goto(f"{base}/consultations/topics/{topic.pk}/")
    assert page.inner_text("[data-testid=topic-conversion]") == "2/3"
    assert "66.7%" in page.inner_text("#conversion")
    assert_accessible(page)
    shoot(page, "topic-conversion")
    page.goto(f"{base}/consultations/plans/{year}/")
    shoot(page, "plan")
    assert not browser_errors, browser_errors
