"""The office enters the committee's own records on its pages: added, corrected, deleted, audited;
bad input is refused with a Chinese message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.duties import services
from xieshang.duties.models import Honour, MediaReport, MemberFeature, RulesDocument, Speech
from xieshang.duties.tests.conftest import build

pytestmark = pytest.mark.django_db

KINDS = ["rules", "honours", "features", "media", "speeches"]


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_committees_office_reaches_the_record_pages(client, w, kind):
    other = build(2, slug="qita")
    for user, status in [(w.office, 200), (w.secretariat, 200), (w.members[0].user, 404), (other.office, 200)]:
        client.force_login(user)
        assert client.get(f"/duties/records/{kind}/", {"year": "2022"}).status_code == status
        assert client.get(f"/duties/records/{kind}/new/", {"year": "2022"}).status_code == status
    assert client.get("/duties/records/nothing/").status_code == 404


def test_the_overview_links_to_every_record_page(client, w):
    client.force_login(w.office)
    html = client.get("/duties/", {"year": "2022"}).content.decode()
    for kind in KINDS:
        assert f"/duties/records/{kind}/?year=2022" in html


def test_a_rules_document_is_added_corrected_and_deleted_with_audit_rows(client, w):
    client.force_login(w.office)
    r = client.post(
        "/duties/records/rules/new/",
        {"year": "2022", "title": "委员履职管理办法", "adopted_on": "2022-03-08", "adopted_by": "主席会议"},
    )
    assert r.status_code == 302 and r["Location"] == "/duties/records/rules/?year=2022"
    doc = RulesDocument.objects.get()
    page = client.get("/duties/records/rules/", {"year": "2022"}).content.decode()
    assert "委员履职管理办法" in page and "2022年共 1 条" in page
    assert "委员履职管理办法" not in client.get("/duties/records/rules/", {"year": "2021"}).content.decode()
    edit = client.get(f"/duties/records/rules/{doc.pk}/edit/").content.decode()
    assert 'value="委员履职管理办法"' in edit and 'value="2022-03-08"' in edit
    r = client.post(
        f"/duties/records/rules/{doc.pk}/edit/",
        {"title": "委员履职管理办法（修订）", "adopted_on": "2022-03-09", "adopted_by": "常委会议", "version": "0"},
    )
    assert r.status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.adopted_by, doc.version) == ("委员履职管理办法（修订）", "常委会议", 1)
    # a second office's form, still at version 0, is refused and changes nothing
    r = client.post(
        f"/duties/records/rules/{doc.pk}/edit/",
        {"title": "旧标题", "adopted_on": "2022-03-09", "adopted_by": "常委会议", "version": "0"},
    )
    assert r.status_code == 400 and "已被他人处理" in _messages(r)
    assert RulesDocument.objects.get().title == "委员履职管理办法（修订）"
    r = client.post(f"/duties/records/rules/{doc.pk}/delete/", {"version": "1"})
    assert r.status_code == 302 and not RulesDocument.objects.exists()
    actions = list(AuditEntry.objects.filter(thread=f"committee:{w.committee.pk}").values_list("action", flat=True))
    assert actions == ["rules_document_add", "rules_document_update", "rules_document_delete"]
    deleted = AuditEntry.objects.get(action="rules_document_delete")
    assert deleted.data["title"] == "委员履职管理办法（修订）" and deleted.actor == w.office


@pytest.mark.parametrize(
    ("kind", "form", "words"),
    [
        ("rules", {"title": "", "adopted_on": "2022-03-08", "adopted_by": "主席会议"}, "请填写制度名称"),
        ("rules", {"title": "办法", "adopted_on": "2021-12-30", "adopted_by": "主席会议"}, "通过日期应在2022年内"),
        ("rules", {"title": "办法", "adopted_on": "三月", "adopted_by": "主席会议"}, "请填写有效的通过日期"),
        ("features", {"number": "1", "title": "", "published_on": "2022-03-25"}, "请填写标题"),
        ("features", {"number": "x", "title": "风采", "published_on": "2022-03-25"}, "请填写期数"),
        ("features", {"number": "1", "title": "风采", "published_on": "2023-01-05"}, "刊出日期应在2022年内"),
        (
            "media",
            {"title": "报道", "outlet": "佛山日报", "published_on": "2022-04-01", "members": "周文博、王不在"},
            "王不在不是本会委员",
        ),
        ("media", {"title": "报道", "outlet": "", "published_on": "2022-04-01"}, "请填写媒体"),
        ("speeches", {"member": "", "title": "发言", "form": "oral", "given_on": "2022-01-10"}, "请填写一位委员的姓名"),
        (
            "speeches",
            {"member": "周文博", "title": "发言", "form": "sung", "given_on": "2022-01-10"},
            "请选择发言形式",
        ),
        ("honours", {"member": "周文博", "kind": "excellent_member", "awarded_on": "2021-06-01"}, "评定日期应在"),
    ],
)
def test_bad_input_on_the_pages_is_refused_with_a_message_and_changes_nothing(client, w, kind, form, words):
    client.force_login(w.office)
    before = AuditEntry.objects.count()
    r = client.post(f"/duties/records/{kind}/new/", {"year": "2022", **form})
    assert r.status_code == 400
    assert words in _messages(r)
    assert AuditEntry.objects.count() == before
    for model in (RulesDocument, MemberFeature, MediaReport, Speech, Honour):
        assert not model.objects.exists()


def test_a_member_of_another_committee_is_refused(w):
    other = build(2, slug="qita")
    stranger = other.members[0]
    with pytest.raises(ServiceError, match="不是本会委员"):
        services.media_report_add(
            actor=w.office,
            committee=w.committee,
            title="报道",
            outlet="佛山日报",
            published_on=dt.date(2022, 4, 1),
            members=[w.members[0], stranger],
        )
    with pytest.raises(ServiceError, match="不是本会委员"):
        services.honour_award(
            actor=w.office, committee=w.committee, member=stranger, year=2022, awarded_on=dt.date(2022, 12, 28)
        )
    with pytest.raises(PermissionDeniedError):
        services.honour_award(actor=w.office, member=stranger, year=2022, awarded_on=dt.date(2022, 12, 28))
    assert not MediaReport.objects.exists() and not Honour.objects.exists()


def test_a_duplicate_honour_for_the_same_member_kind_and_year_is_refused(client, w):
    client.force_login(w.office)
    form = {"year": "2022", "member": "周文博", "kind": "excellent_member", "awarded_on": "2022-12-28"}
    assert client.post("/duties/records/honours/new/", form).status_code == 302
    r = client.post("/duties/records/honours/new/", {**form, "title": "年度优秀委员", "awarded_on": "2023-01-05"})
    assert r.status_code == 400 and "周文博已获评2022年度" in _messages(r)
    assert Honour.objects.count() == 1
    # another year, or another honour, is a new record
    assert (
        client.post("/duties/records/honours/new/", {**form, "year": "2021", "awarded_on": "2021-12-28"}).status_code
        == 302
    )
    other = {**form, "kind": "other", "title": "抗疫先进个人"}
    assert client.post("/duties/records/honours/new/", other).status_code == 302
    assert client.post("/duties/records/honours/new/", other).status_code == 400
    honour = Honour.objects.get(year=2021)
    with pytest.raises(ConflictError):
        services.record_update(
            actor=w.office,
            kind="honours",
            record_id=honour.pk,
            values={"kind": "excellent_member", "title": "", "awarded_on": dt.date(2022, 12, 1), "year": 2022},
        )
    assert Honour.objects.filter(year=2022).count() == 2
    r = client.post(f"/duties/records/honours/{honour.pk}/delete/", {"version": "0"})
    assert r.status_code == 302 and Honour.objects.count() == 2
    assert AuditEntry.objects.get(action="honour_revoke").data["member"] == "周文博"


def test_features_and_media_name_members_who_show_in_their_duty_file(client, w):
    client.force_login(w.office)
    r = client.post(
        "/duties/records/features/new/",
        {
            "year": "2022",
            "number": "3",
            "title": "委员风采｜扎根基层",
            "published_on": "2022-05-25",
            "members": "周文博，苏雅婷",
        },
    )
    assert r.status_code == 302
    feature = MemberFeature.objects.get()
    assert sorted(feature.members.values_list("name", flat=True)) == ["周文博", "苏雅婷"]
    r = client.post(
        f"/duties/records/features/{feature.pk}/edit/",
        {
            "number": "3",
            "title": "委员风采｜扎根基层",
            "published_on": "2022-05-25",
            "members": "苏雅婷",
            "version": "0",
        },
    )
    assert r.status_code == 302
    assert list(feature.members.values_list("name", flat=True)) == ["苏雅婷"]
    assert AuditEntry.objects.get(action="feature_update").data["members"] == [["周文博", "苏雅婷"], ["苏雅婷"]]
    client.post(
        "/duties/records/media/new/",
        {
            "year": "2022",
            "title": "委员走进社区",
            "outlet": "佛山日报",
            "published_on": "2022-06-01",
            "members": "周文博",
        },
    )
    client.post(
        "/duties/records/speeches/new/",
        {"year": "2022", "member": "周文博", "title": "关于社区养老的发言", "form": "oral", "given_on": "2022-01-10"},
    )
    html = client.get(f"/duties/members/{w.members[0].pk}/2022/").content.decode()
    assert "委员走进社区" in html and "关于社区养老的发言" in html and "扎根基层" not in html


def test_another_committees_record_is_not_found(client, w):
    other = build(2, slug="qita")
    doc = services.rules_document_add(
        actor=other.office, committee=other.committee, title="外会制度", adopted_on=dt.date(2022, 2, 1)
    )
    client.force_login(w.office)
    assert client.get(f"/duties/records/rules/{doc.pk}/edit/").status_code == 404
    assert client.post(f"/duties/records/rules/{doc.pk}/delete/", {"version": "0"}).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.record_delete(actor=w.office, kind="rules", record_id=doc.pk)
    assert RulesDocument.objects.filter(pk=doc.pk).exists()


def test_media_reports_and_speeches_are_corrected_and_deleted_through_the_one_service(client, w):
    client.force_login(w.office)
    report = services.media_report_add(
        actor=w.office, committee=w.committee, title="委员走进社区", outlet="佛山日报", published_on=dt.date(2022, 6, 1)
    )
    speech = services.speech_add(
        actor=w.office, member=w.members[0], title="关于社区养老的发言", form="oral", given_on=dt.date(2022, 1, 10)
    )
    media_form = {
        "title": "委员走进社区（续）",
        "outlet": "珠江时报",
        "published_on": "2022-06-02",
        "members": "苏雅婷",
    }
    # a stale version changes nothing
    r = client.post(f"/duties/records/media/{report.pk}/edit/", {**media_form, "version": "5"})
    assert r.status_code == 400 and MediaReport.objects.get().title == "委员走进社区"
    r = client.post(f"/duties/records/media/{report.pk}/edit/", {**media_form, "version": "0"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert (report.title, report.outlet, report.version) == ("委员走进社区（续）", "珠江时报", 1)
    assert list(report.members.values_list("name", flat=True)) == ["苏雅婷"]
    changed = AuditEntry.objects.get(action="media_report_update").data
    assert changed["outlet"] == ["佛山日报", "珠江时报"] and changed["members"] == [[], ["苏雅婷"]]
    r = client.post(
        f"/duties/records/speeches/{speech.pk}/edit/",
        {"title": "关于社区养老的书面发言", "form": "written", "given_on": "2022-01-10", "version": "0"},
    )
    assert r.status_code == 302 and Speech.objects.get().form == "written"
    entry = AuditEntry.objects.get(action="speech_update")
    assert entry.thread == f"member:{w.members[0].pk}" and entry.data["form"] == ["oral", "written"]
    client.post(f"/duties/records/speeches/{speech.pk}/delete/", {"version": "0"})  # stale: now 1
    assert Speech.objects.exists()
    client.post(f"/duties/records/speeches/{speech.pk}/delete/", {"version": "1"})
    client.post(f"/duties/records/media/{report.pk}/delete/", {"version": "1"})
    assert not Speech.objects.exists() and not MediaReport.objects.exists()
    assert AuditEntry.objects.get(action="speech_delete").data["title"] == "关于社区养老的书面发言"
    assert AuditEntry.objects.get(action="media_report_delete").data["outlet"] == "珠江时报"
