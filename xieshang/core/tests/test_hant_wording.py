"""What code writes in Simplified reaches a 繁體 reader's page converted — a form's own validation
message, Django's default messages, a service's refusal, a flash message, an htmx fragment — while
what a form sends back is left as typed: saving a record in 繁體 leaves its Simplified text as it
was. The API answers with the records as stored."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from xieshang.core import hant
from xieshang.core.tests.test_hant_pages import simplified_only
from xieshang.core.tests.test_hant_roles import world  # noqa: F401  (fixture)
from xieshang.outreach.models import Station
from xieshang.proposals.models import Proposal
from xieshang.proposals.tests.conftest import CONTENT, filed, run, submitted, w  # noqa: F401  (fixtures)


class _Form(HTMLParser):
    """The fields a browser sends when the form holding ``field`` is submitted as rendered."""

    def __init__(self, field: str) -> None:
        super().__init__(convert_charrefs=True)
        self.field, self.forms, self.current = field, [], None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "reset", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.current.append((a["name"], ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.current.append((self._select, a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.current is not None:
            name, text = self.current[-1]
            self.current[-1] = (name, text + data)

    def data(self) -> dict[str, Any]:
        form = next(f for f in self.forms if any(name == self.field for name, _ in f))
        out: dict[str, Any] = {}
        for name, value in form:
            # a browser drops the one line break that follows <textarea>
            value = value[1:] if value.startswith("\n") else value
            out.setdefault(name, []).append(value)
        return out


def form_as_rendered(page: str, field: str) -> dict[str, Any]:
    parser = _Form(field)
    parser.feed(page)
    return parser.data()


def test_saving_a_proposal_in_traditional_keeps_what_was_typed_in_simplified(w, run, submitted):  # noqa: F811
    """The HK member opens her draft (typed in Simplified) in 繁體 and saves it unchanged."""
    user = w.hk.user
    user.language = "zh-hant"
    user.save(update_fields=["language"])
    from xieshang.proposals import services as ps

    draft = run(ps.proposal_save_draft, actor=user, data=CONTENT)
    client = Client()
    client.force_login(user)
    page = client.get(f"/proposals/{draft.pk}/edit/").content.decode()
    data = form_as_rendered(page, "situation")
    assert data["title"] == [CONTENT["title"]] and data["category"] == ["城乡建设"]
    response = client.post(f"/proposals/{draft.pk}/edit/", data)
    assert response.status_code == 302, simplified_only(response.content.decode())
    draft.refresh_from_db()
    assert (draft.title, draft.situation, draft.analysis, draft.suggestions, draft.category) == (
        CONTENT["title"],
        CONTENT["situation"],
        CONTENT["analysis"],
        CONTENT["suggestions"],
        "城乡建设",
    )
    # while the page shows the record in traditional script
    shown = client.get(f"/proposals/{draft.pk}/").content.decode()
    assert "<h1>關於加快老舊小區加裝電梯的建議" in shown or "關於加快老舊小區加裝電梯的建議</h1>" in shown


def test_the_office_saves_a_station_in_traditional_and_its_text_stays_as_typed(world) -> None:  # noqa: F811
    station = Station.objects.get()
    before = (station.name, station.reception, station.area_id, list(station.members.order_by("pk")))
    client = Client()
    client.force_login(world["secretariat"])
    page = client.get(f"/outreach/office/stations/{station.pk}/edit/").content.decode()
    assert "石灣鎮街道政協委員工作聯繫站" in page  # the heading shows it converted
    data = form_as_rendered(page, "reception")
    assert data["name"] == ["石湾镇街道政协委员工作联系站"]
    response = client.post(f"/outreach/office/stations/{station.pk}/edit/", data)
    assert response.status_code == 302, simplified_only(response.content.decode())
    station.refresh_from_db()
    assert (station.name, station.reception, station.area_id, list(station.members.order_by("pk"))) == before


def test_a_forms_own_message_a_refusal_and_a_flash_message_reach_the_page_converted(world) -> None:  # noqa: F811
    station = Station.objects.get()
    client = Client()
    client.force_login(world["secretariat"])
    members = [m.pk for m in station.members.all()]
    url = f"/outreach/stations/{station.pk}/roster/"
    # the form's own ValidationError("请填写 1 到 31 之间的日期，用逗号分隔。")
    page = client.post(url, {"start": "2026-12-01", "months": 1, "days": "abc", "members": members})
    text = page.content.decode()
    assert page.status_code == 400 and "請填寫 1 到 31 之間的日期，用逗號分隔。" in text
    assert not simplified_only(text), simplified_only(text)
    # Django's default message for a missing field, and a number out of range
    text = client.post(url, {"start": "", "months": 99, "days": "10", "members": members}).content.decode()
    assert "errorlist" in text and not simplified_only(text), simplified_only(text)
    # a flash message shown on the next page
    response = client.post(url, {"start": "2026-12-01", "months": 1, "days": "10", "members": members}, follow=True)
    text = response.content.decode()
    assert "已排班" in text and "個班次" in text and not simplified_only(text)


def test_a_refusal_from_a_service_is_shown_converted(world) -> None:  # noqa: F811
    """The opinion form: the service refuses a text that is too short (ServiceError, in Simplified)."""
    client = Client()
    client.force_login(world["member"])
    page = client.get("/opinions/new/").content.decode()
    data = form_as_rendered(page, "text")
    data.update(title=["关于交通"], text=["太短了"])
    response = client.post("/opinions/new/", data)
    text = response.content.decode()
    assert "正文太短" in text and "請把情況和建議寫清楚" in text, text[-3000:]
    assert not simplified_only(text), simplified_only(text)


def test_an_htmx_fragment_is_converted_and_the_api_answers_as_stored(world, w) -> None:  # noqa: F811
    client = Client()
    client.force_login(world["proposals office"])
    fragment = client.get("/handling/?tab=items", headers={"HX-Request": "true"})
    assert fragment["Content-Type"].startswith("text/html")
    assert not simplified_only(fragment.content.decode())
    proposal = Proposal.objects.get()
    api = client.get(f"/api/v1/proposals/{proposal.pk}/")
    assert api.status_code == 200 and api.json()["title"] == CONTENT["title"]


def test_the_check_of_this_module_fails_without_conversion() -> None:
    assert simplified_only("<ul class='errorlist'><li>请填写 1 到 31 之间的日期</li></ul>")
    assert hant.convert_html("<li>请填写</li>", hant.to_hant) == "<li>請填寫</li>"


@pytest.mark.parametrize("name", ["title", "reception"])
def test_the_form_reader_reads_what_a_browser_sends(name: str) -> None:
    page = (
        '<form><input name="title" value="关于"><textarea name="reception">\n每月</textarea>'
        '<select name="c"><option value="a">A</option><option value="城乡" selected>城鄉</option></select>'
        '<input type="checkbox" name="x"><button type="submit" name="go" value="1">保存</button></form>'
    )
    assert form_as_rendered(page, name) == {"title": ["关于"], "reception": ["每月"], "c": ["城乡"]}


def test_the_password_e_mail_is_in_its_recipients_script(world) -> None:  # noqa: F811
    from django.core import mail

    user = world["member"]
    user.username = "陈家欣"  # what she types to sign in stays as it is
    user.save(update_fields=["username"])
    Client().post("/accounts/reset/", {"email": user.email})  # asked from a Simplified browser
    [sent] = mail.outbox[-1:]
    assert "重設密碼" in sent.subject and "請在 3 天內打開以下鏈接設置新密碼" in sent.body
    assert "（用户名：陈家欣）" in sent.body  # s2hk writes 用户名 as Hong Kong does
