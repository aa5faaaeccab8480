import uuid

import pytest
from django.urls import reverse

from xieshang.opinions import services
from xieshang.opinions.models import OpinionReport

from .conftest import GOOD_TEXT

pytestmark = pytest.mark.django_db


def _submit(user):
    return services.report_submit(
        actor=user, submission_token=uuid.uuid4(), title="关于加装电梯的建议", text=GOOD_TEXT
    )[0]


def test_member_submits_through_the_form_and_a_double_post_creates_one(client, member):
    client.force_login(member.user)
    token = str(uuid.uuid4())
    data = {"submission_token": token, "title": "关于加装电梯的建议", "text": GOOD_TEXT, "author_kind": "member"}
    r1 = client.post(reverse("opinions:new"), data)
    r2 = client.post(reverse("opinions:new"), data)
    assert r1.status_code == r2.status_code == 302
    assert OpinionReport.objects.count() == 1
    assert client.get(r1.url).status_code == 200


def test_a_too_long_report_is_shown_the_reason_and_nothing_is_saved(client, member):
    client.force_login(member.user)
    data = {"submission_token": str(uuid.uuid4()), "title": "长", "text": "字" * 2000, "author_kind": "member"}
    r = client.post(reverse("opinions:new"), data)
    assert r.status_code == 200 and "超过 1500 字" in r.content.decode()
    assert OpinionReport.objects.count() == 0


def test_a_far_too_long_report_hears_the_stated_limit_not_a_character_cap(client, member):
    client.force_login(member.user)
    data = {"submission_token": str(uuid.uuid4()), "title": "长", "text": "字" * 100000, "author_kind": "member"}
    page = client.post(reverse("opinions:new"), data).content.decode()
    assert "正文 100000 字，超过 1500 字的篇幅限制" in page
    assert "20000" not in page and "确保" not in page
    assert OpinionReport.objects.count() == 0


def test_an_empty_title_is_named_in_the_message(client, member):
    client.force_login(member.user)
    data = {"submission_token": str(uuid.uuid4()), "title": "", "text": "字" * 300, "author_kind": "member"}
    page = client.post(reverse("opinions:new"), data).content.decode()
    assert "请填写标题。" in page and "必填" not in page
    assert "标题：" in page or "标题</label>" in page


def test_reports_of_others_answer_404(client, member, other_member, unit_user, proposals_office):
    report = _submit(member.user)
    for user in (other_member.user, unit_user, proposals_office):
        client.force_login(user)
        assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == 404
        assert client.post(reverse("opinions:action", args=[report.pk, "adopt"])).status_code == 404
    client.force_login(member.user)
    assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == 200


def test_leaders_see_only_released_reports(client, member, info_office, leader, committee):
    report = _submit(member.user)
    client.force_login(leader.user)
    assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == 404
    services.report_adopt(actor=info_office, report_id=report.pk)
    issue = services.issue_create(actor=info_office, committee=committee)
    services.issue_add_report(actor=info_office, issue_id=issue.pk, report_id=report.pk)
    services.issue_release(actor=info_office, issue_id=issue.pk, recipients=["party"])
    assert client.get(reverse("opinions:detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("opinions:issue_docx", args=[issue.pk])).status_code == 200


def test_office_pages_render_and_bad_input_gives_a_message(client, member, info_office):
    report = _submit(member.user)
    client.force_login(info_office)
    for name in ("opinions:office", "opinions:issues", "opinions:stats", "opinions:new"):
        assert client.get(reverse(name)).status_code == 200
    r = client.post(reverse("opinions:action", args=[report.pk, "instruction"]), {"level": "nope"}, follow=True)
    assert r.status_code == 200 and "请填写批示领导" in r.content.decode()
    r = client.post(reverse("opinions:action", args=[report.pk, "decline"]), {"reason": ""}, follow=True)
    assert "请填写不采用的理由" in r.content.decode()
    assert client.get(reverse("opinions:office") + "?year=abc&page=x").status_code == 200


def test_only_the_information_office_gets_the_editing_menu_entry(client, info_office, proposals_office):
    entry = 'href="/opinions/office/"'
    client.force_login(info_office)
    assert entry in client.get("/notifications/").content.decode()
    client.force_login(proposals_office)
    assert entry not in client.get("/notifications/").content.decode()
