"""Journey: a member from Hong Kong switches the site to 繁體 on her phone, drafts a proposal and
submits it; every page she sees is in traditional script, and her choice stays with her account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.core.tests.test_hant_pages import simplified_only
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import CommitteeFactory, MemberFactory, SessionFactory, TermFactory
from xieshang.proposals.models import Proposal

from .conftest import DESKTOP, assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def hk_member(transactional_db):
    # records in traditional script (or shared characters), so what is simplified on a page is the platform's
    committee = CommitteeFactory(name="禪城區政協", short_name="禪城區")
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
    return MemberFactory(term=term, committee=committee, name="陳嘉欣", is_hk_macao=True, with_user=True).user


def _leaks(page):
    return simplified_only(page.content())


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_hong_kong_member_reads_in_traditional_and_drafts_a_proposal(
    phone_page, live_server, login, hk_member, browser_errors
):
    page, url = phone_page, live_server.url
    login(page, hk_member)
    page.goto(f"{url}/proposals/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "我的提案" in page.inner_text("main")

    # 1. She switches to 繁體 in the header; the page comes back in traditional script.
    _submit(page, "header button[name=language][value=zh-hant]")
    assert page.url == f"{url}/proposals/"
    assert page.get_attribute("html", "lang") == "zh-Hant"
    assert page.is_visible("header button[name=language][value=zh-hans]")
    assert not _leaks(page), _leaks(page)
    hk_member.refresh_from_db()
    assert hk_member.language == User.Language.TRADITIONAL

    # 2. She drafts a proposal: the form's wording is traditional (议→議, 处→處, 经→經).
    page.goto(f"{url}/proposals/new/")
    main = page.inner_text("main")
    assert "提案標題" in main and "建議" in main and "本人撰寫" in main  # an integrity label, through gettext
    assert not _leaks(page), _leaks(page)
    page.fill("#id_title", "關於為港澳委員提供線上履職服務的建議")
    page.select_option("#id_category", index=2)
    page.fill("#id_situation", "港澳委員往返兩地，難以每次到場參加會議和調研。")
    page.fill("#id_analysis", "線上渠道不足，資料多以紙本寄送。")
    page.fill("#id_suggestions", "一、開通線上列席。\n二、資料電子化。")
    page.check("input[name=integrity][value=own]")
    page.check("#id_declared")
    assert_accessible(page)
    screenshot(page, "hant-proposal-draft-390")
    _submit(page, "button:has-text('保存草稿')")
    main = page.inner_text("main")
    assert "草稿已保存。可以繼續添加聯名人、上傳附件，然後提交。" in main
    assert not _leaks(page), _leaks(page)

    # 3. She submits it; the office will review it.
    _submit(page, "#submit-proposal")
    assert "已提交。" in page.inner_text("main")
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.title == "關於為港澳委員提供線上履職服務的建議"  # what she typed stays as typed
    assert not _leaks(page), _leaks(page)
    assert_accessible(page)
    screenshot(page, "hant-proposal-submitted-390")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "hant-proposal-submitted-1366")

    # 4. Another browser (her office computer) follows the choice kept with her account.
    page.context.clear_cookies()
    login(page, hk_member)
    page.goto(f"{url}/proposals/")
    assert page.get_attribute("html", "lang") == "zh-Hant"
    screenshot(page, "hant-my-proposals-1366")
    assert not browser_errors
