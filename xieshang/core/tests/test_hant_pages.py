"""A member who reads 繁體 sees no simplified-only character on the pages a member uses.

The records of this test are named in ASCII or in characters both scripts share, so every Chinese
character on a page is the platform's own wording. A character is simplified-only where OpenCC's
s2hk conversion of the text changes it; the test lists each offending string and the page.
"""

from __future__ import annotations

import functools
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from xieshang.core import hant
from xieshang.core.models import Notification
from xieshang.core.notify import notify
from xieshang.organisations import services as org_services
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UnitFactory,
)
from xieshang.proposals.services import proposal_save_draft

# The pages a member sees, kept explicit: a page added here must come out clean.
MEMBER_PAGES = [
    ("home", "/"),
    ("my proposals", "/proposals/"),
    ("new proposal", "/proposals/new/"),
    ("proposal", "/proposals/{proposal}/"),
    ("proposal edit", "/proposals/{proposal}/edit/"),
    ("new opinion report", "/opinions/new/"),
    ("my opinion reports", "/opinions/"),
    ("notifications", "/notifications/"),
    ("my duty file", "/duties/mine/"),
    ("my consultations", "/consultations/mine/"),
]
PUBLIC_PAGES = [
    ("portal", "/public/"),
    ("login", "/accounts/login/"),
]
# Attributes that carry what a page sends or points to, never read by a person: left as rendered
# (``hant.convert_html``) and not checked. Every other attribute holding Chinese must be in
# traditional script — so an attribute added later that shows text is caught here.
PAYLOAD_ATTRS = {"value", "href", "src", "action", "formaction", "name", "id", "class", "for", "content"}
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip += 1
            self._json = tag == "script" and ("type", "application/json") in attrs
        button = tag == "input" and (
            any(("type", t) in attrs for t in ("button", "reset"))
            or (("type", "submit") in attrs and not any(n == "name" for n, _ in attrs))
        )
        for name, value in attrs:
            payload = name in PAYLOAD_ATTRS or (name.startswith("hx-") and name not in ("hx-confirm", "hx-prompt"))
            if value and (not payload or (name == "value" and button)):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:  # what a page's script draws (a chart's labels)
            self.parts.extend(_strings(json.loads(data)))
        elif not self._skip and data.strip():
            self.parts.append(data.strip())


def simplified_only(html: str) -> list[str]:
    """Each visible string holding a simplified-only character, with those characters.

    A character is simplified-only when it is its own simplified form and the string taken to
    simplified and back to traditional (OpenCC hk2s, then s2hk) has another character in its place.
    The round trip reads phrases in context (风采 → 風采, 采集 → 採集), and a traditional form kept
    by a reviewed catalogue entry (說) is never its own simplified form, so neither is reported."""
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.parts:
        if not HAN.search(text):
            continue
        back = hant.to_hant(to_hans(text))
        if len(back) != len(text):
            found.append(f"{text[:60]!r}")
            continue
        chars = {a for a, b in zip(text, back, strict=True) if a != b and to_hans(a) == a}
        if chars:
            found.append(f"{text[:60]!r} ({''.join(sorted(chars))})")
    return found


@functools.cache
def _hk2s() -> Any:
    import opencc

    return opencc.OpenCC("hk2s")


def to_hans(text: str) -> str:
    return _hk2s().convert(text)


@pytest.fixture
def hk_member(db):
    committee = CommitteeFactory(name="Test Committee", short_name="Test")
    term = TermFactory(committee=committee)
    UnitFactory(committee=committee, name="Unit A")
    sector = SectorFactory(committee=committee, name="Sector A")
    member = MemberFactory(term=term, with_user=True, name="Chan Tai Man", sector=sector, is_hk_macao=True)
    member.user.full_name = "Chan Tai Man"
    member.user.language = User.Language.TRADITIONAL
    member.user.save(update_fields=["full_name", "language"])
    return member.user


def _get(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_member_reading_traditional_sees_no_simplified_only_character(hk_member):
    proposal = proposal_save_draft(
        actor=hk_member,
        data={"title": "Proposal ABCD", "situation": "Text", "suggestions": "1. Text", "category": "城乡建设"},
    )
    Notification.objects.create(recipient=hk_member, title="Notice A", body="Text", url="/")
    client = Client()
    client.force_login(hk_member)
    leaks = {}
    for name, url in MEMBER_PAGES:
        found = simplified_only(_get(client, url.format(proposal=proposal.pk)))
        if found:
            leaks[name] = found
    anonymous = Client(headers={"accept-language": "zh-HK"})
    for name, url in PUBLIC_PAGES:
        found = simplified_only(_get(anonymous, url))
        if found:
            leaks[name] = found
    assert not leaks, "繁體頁面上的簡體字：\n" + "\n".join(f"{page}: {', '.join(s)}" for page, s in leaks.items())


def test_the_check_finds_simplified_wording():
    assert simplified_only("<p>提案处理</p><script>var a='处理'</script>") == ["'提案处理' (处)"]
    assert simplified_only('<p>提案處理</p><input placeholder="经过">') == ["'经过' (经过)"]
    assert simplified_only("<p>委員風采</p><p>說明</p><p>總分 · 不称职</p>") == ["'總分 · 不称职' (称职)"]
    # what a person typed into a form is not wording of the page
    assert simplified_only('<textarea>x</textarea><option value="经济建设">經濟建設</option>') == []
    assert simplified_only('<input type="hidden" name="note" value="经过"><a href="/?q=经过">經過</a>') == []
    # an attribute a person reads, a button's text, a chart's labels
    assert simplified_only('<td data-label="经过">1</td>') == ["'经过' (经过)"]
    assert simplified_only('<input type="submit" value="经过">') == ["'经过' (经过)"]
    assert simplified_only('<script type="application/json">{"l": ["\\u7ecf\\u8fc7"]}</script>') == ["'经过' (经过)"]


def test_the_stored_choice_wins_over_the_browser(hk_member):
    client = Client(headers={"accept-language": "zh-CN"})
    client.force_login(hk_member)
    response = client.get("/proposals/")
    assert response["Content-Language"] == "zh-hant"
    assert '<html lang="zh-Hant">' in response.content.decode()


def test_the_switch_keeps_the_choice_on_the_account_with_an_audit_row(hk_member):
    from xieshang.core.models import AuditEntry

    client = Client()
    client.force_login(hk_member)
    response = client.post("/language/", {"language": "zh-hans", "next": "/proposals/"})
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    hk_member.refresh_from_db()
    assert hk_member.language == "zh-hans"
    row = AuditEntry.objects.get(action="user_set_language")
    assert (row.from_state, row.to_state, row.actor_id) == ("zh-hant", "zh-hans", hk_member.pk)
    assert "繁體" in client.get("/proposals/").content.decode()
    # an unknown language changes nothing
    client.post("/language/", {"language": "en", "next": "/"})
    hk_member.refresh_from_db()
    assert hk_member.language == "zh-hans"
    assert AuditEntry.objects.filter(action="user_set_language").count() == 1


def test_a_visitor_switches_by_cookie_and_nothing_is_stored(db):
    client = Client()
    response = client.post("/language/", {"language": "zh-hant", "next": "/public/"})
    assert response.cookies["django_language"].value == "zh-hant"
    page = client.get("/public/").content.decode()
    assert '<html lang="zh-Hant">' in page and "簡體" in page


def test_only_the_person_sets_their_own_language(hk_member, member):
    from xieshang.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        org_services.user_set_language(actor=member.user, user=hk_member, language="zh-hans")


def test_a_notice_and_its_e_mail_are_written_in_each_recipients_language(
    hk_member, member, django_capture_on_commit_callbacks
):
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy as _

    translation.activate("zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [hk_member, member.user],
            title=format_lazy(_("Proposal filed: {title}"), title="Proposal ABCD"),
            body=_("Once confirmed, the proposal can go to review."),
            url="/proposals/",
        )
    mine = Notification.objects.get(recipient=hk_member)
    theirs = Notification.objects.get(recipient=member.user)
    assert (mine.title, mine.body) == ("提案已立案：Proposal ABCD", "確認後該提案方可提交審查。")
    assert (theirs.title, theirs.body) == ("提案已立案：Proposal ABCD", "确认后该提案方可提交审查。")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[hk_member.email] == "[協商] 提案已立案：Proposal ABCD"
    assert subjects[member.user.email] == "[协商] 提案已立案：Proposal ABCD"
    # the sender's own language is left as it was
    assert translation.get_language() == "zh-hans"
