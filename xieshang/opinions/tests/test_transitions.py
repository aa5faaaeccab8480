"""The transition tables: the API's 409, the pages' buttons and the one text policy."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, OpinionReport
from xieshang.opinions.transitions import ISSUE, REPORT

from .conftest import GOOD_TEXT

pytestmark = pytest.mark.django_db
S = OpinionReport.Status


def _submit(user, title="关于加装电梯的建议", text=GOOD_TEXT):
    return services.report_submit(actor=user, submission_token=uuid.uuid4(), title=title, text=text)[0]


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_adopting_a_declined_report_through_the_api_is_409_with_the_allowed_states(member, info_office):
    report = _submit(member.user)
    services.report_decline(actor=info_office, report_id=report.pk, reason="与本会职能无关。")
    r = _api(info_office).post(f"/api/v1/opinion-reports/{report.pk}/adopt/", {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["state"] == S.NOT_ADOPTED and body["allowed_states"] == [S.SUBMITTED]
    assert "不能采用" in body["detail"]
    report.refresh_from_db()
    assert report.status == S.NOT_ADOPTED and report.version == 1


def test_adding_to_a_released_issue_through_the_api_is_409(member, info_office):
    first, second = _submit(member.user), _submit(member.user, title="关于完善路灯的建议")
    for r in (first, second):
        services.report_adopt(actor=info_office, report_id=r.pk)
    issue = services.issue_create(actor=info_office, committee=info_office.committee)
    services.issue_add_report(actor=info_office, issue_id=issue.pk, report_id=first.pk)
    services.issue_release(actor=info_office, issue_id=issue.pk, recipients=["party"])
    r = _api(info_office).post(f"/api/v1/bulletin-issues/{issue.pk}/add/", {"report_id": second.pk}, format="json")
    assert r.status_code == 409
    assert r.json()["state"] == BulletinIssue.Status.RELEASED
    assert r.json()["allowed_states"] == [BulletinIssue.Status.DRAFT]
    second.refresh_from_db()
    assert second.issue_id is None


def test_the_detail_page_shows_only_the_buttons_the_table_allows(client, member, info_office):
    report = _submit(member.user)
    client.force_login(info_office)
    adopt_url = reverse("opinions:action", args=[report.pk, "adopt"])
    transfer_url = reverse("opinions:action", args=[report.pk, "transfer"])
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert adopt_url in page and transfer_url not in page
    services.report_adopt(actor=info_office, report_id=report.pk)
    report.refresh_from_db()
    assert not REPORT.can(report, "adopt") and REPORT.can(report, "transfer")
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert adopt_url not in page and transfer_url in page
    assert reverse("opinions:edit", args=[report.pk]) in page


def test_a_released_issue_page_has_no_release_or_remove_buttons(client, member, info_office):
    report = _submit(member.user)
    services.report_adopt(actor=info_office, report_id=report.pk)
    issue = services.issue_create(actor=info_office, committee=info_office.committee)
    services.issue_add_report(actor=info_office, issue_id=issue.pk, report_id=report.pk)
    client.force_login(info_office)
    release_url = reverse("opinions:issue_action", args=[issue.pk, "release"])
    remove_url = reverse("opinions:issue_action", args=[issue.pk, "remove"])
    page = client.get(reverse("opinions:issue", args=[issue.pk])).content.decode()
    assert release_url in page and remove_url in page
    services.issue_release(actor=info_office, issue_id=issue.pk, recipients=["party"])
    issue.refresh_from_db()
    assert ISSUE.available(issue) == []
    page = client.get(reverse("opinions:issue", args=[issue.pk])).content.decode()
    assert release_url not in page and remove_url not in page


def test_invisible_characters_are_removed_from_what_the_office_types(member, info_office):
    report = _submit(member.user, title="关于加装\u200b电梯的\u202e建议\x00")
    assert report.title == "关于加装电梯的建议"
    services.report_return(actor=info_office, report_id=report.pk, reason="请\x07补充\ufeff具体地点。\x1b ")
    report.refresh_from_db()
    assert report.return_reason == "请补充具体地点。"
