"""Pages: the permission matrix, the lifecycle through the forms, downloads opened and checked."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from xieshang.handling.models import Item
from xieshang.proposals import services as ps
from xieshang.proposals.models import Proposal

from .conftest import CONTENT
from .test_services import handle_to_reply


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def world_pages(w, run, filed, submitted):
    draft = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    sub = submitted(1)
    lead = filed(0, title="关于加强校园周边交通安全的建议")
    a = handle_to_reply(w, run, lead)
    return {"draft": draft, "submitted": sub, "filed": lead, "assignment": a}


@pytest.mark.parametrize(
    "who, on_draft, on_submitted, on_filed",
    [
        ("author", 200, 404, 200),
        ("other_member", 404, 200, 404),
        ("office", 404, 200, 200),
        ("gov", 404, 200, 200),
        ("leader", 404, 200, 200),
        ("unit_assigned", 404, 404, 200),
        ("unit_other", 404, 404, 404),
        ("anonymous", 302, 302, 302),
    ],
)
def test_proposal_page_permission_matrix(client, w, world_pages, who, on_draft, on_submitted, on_filed):
    users = {
        "author": w.member_user(0),
        "other_member": w.member_user(1),
        "office": w.office,
        "gov": w.gov,
        "leader": w.leader.user,
        "unit_assigned": w.unit_users[0],
        "unit_other": w.unit_users[2],
    }
    if who != "anonymous":
        client.force_login(users[who])
    for key, expected in (("draft", on_draft), ("submitted", on_submitted), ("filed", on_filed)):
        r = client.get(f"/proposals/{world_pages[key].pk}/")
        assert r.status_code == expected, (who, key, r.status_code)


@pytest.mark.parametrize(
    "url, allowed, denied",
    [
        ("/proposals/review/", ["office", "gov", "leader"], ["member", "unit"]),
        ("/proposals/rates/", ["office", "gov", "leader"], ["member", "unit"]),
        ("/proposals/import/", ["office"], ["gov", "member", "unit", "leader"]),
        ("/proposals/handling/", ["unit"], ["member", "office"]),
        ("/proposals/", ["member", "office"], ["unit", "leader"]),
    ],
)
def test_list_pages_by_role(client, w, world_pages, url, allowed, denied):
    users = {
        "office": w.office,
        "gov": w.gov,
        "leader": w.leader.user,
        "member": w.member_user(0),
        "unit": w.unit_users[0],
    }
    for role in allowed:
        client.force_login(users[role])
        assert client.get(url).status_code == 200, (url, role)
    for role in denied:
        client.force_login(users[role])
        assert client.get(url).status_code == 404, (url, role)


def test_member_drafts_through_the_form_and_a_double_submit_creates_one(client, w):
    client_for(client, w.member_user(0))
    page = client.get("/proposals/new/")
    token = page.context["form"].initial["token"]
    data = {**CONTENT, "declared": "on", "token": str(token)}
    r1 = client.post("/proposals/new/", data)
    r2 = client.post("/proposals/new/", data)
    assert r1.status_code == r2.status_code == 302 and r1["Location"] == r2["Location"]
    assert Proposal.objects.count() == 1
    p = Proposal.objects.get()
    r = client.post(f"/proposals/{p.pk}/act/submit/", follow=True)
    assert "已提交" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "submitted"


def test_bad_input_gets_a_message_and_changes_nothing(client, w, world_pages):
    client_for(client, w.office)
    p = world_pages["submitted"]
    r = client.post(f"/proposals/{p.pk}/act/not_file/", {"ground": "nonsense", "note": ""}, follow=True)
    assert r.status_code == 200 and "理由" in r.content.decode()
    r = client.post(f"/proposals/{p.pk}/act/merge/", {"lead": "abc"}, follow=True)
    assert "请选择并入的主案" in r.content.decode()
    r = client.post(f"/proposals/{p.pk}/act/unknown/")
    assert r.status_code == 404
    p.refresh_from_db()
    assert p.status == "submitted"


def test_office_files_twice_by_double_click_once(client, w, world_pages):
    client_for(client, w.office)
    p = world_pages["submitted"]
    client.post(f"/proposals/{p.pk}/act/file/", {"version": p.version})
    r = client.post(f"/proposals/{p.pk}/act/file/", {"version": p.version}, follow=True)
    assert "已被他人处理" in r.content.decode() or "不能立案" in r.content.decode()
    assert Item.objects.filter(channel="proposal").count() == 2  # the fixture's lead and this one


def test_documents_open_and_contain_the_proposal(client, w, world_pages):
    client_for(client, w.office)
    lead = world_pages["filed"]
    lead.refresh_from_db()
    r = client.get(f"/proposals/{lead.pk}/assignment-letter.docx")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert lead.number_label in text and "区住建局" in text and "交办" in text
    reply = world_pages["assignment"].replies.get()
    r = client.get(f"/proposals/{lead.pk}/replies/{reply.pk}/letter.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "已列入计划" in text and "（B类）" in text
    r = client.get("/proposals/compilation.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "城乡建设" in text and lead.title in text and "区住建局答复（B类）" in text
    r = client.get("/proposals/review/?format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A2"].value == "案号"
    titles = {row[1] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert lead.title in titles
    r = client.get("/proposals/rates/?format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert "满意率" in names and "办结率" in names


def test_search_finds_by_title_number_proposer_and_unit(client, w, world_pages):
    client_for(client, w.office)
    lead = world_pages["filed"]
    lead.refresh_from_db()
    for q in ("校园周边", lead.number_label, "张委员", "住建局"):
        r = client.get("/proposals/review/", {"q": q})
        assert lead.title in r.content.decode(), q
    r = client.get("/proposals/review/", {"q": "不存在的词语"})
    assert lead.title not in r.content.decode()


def test_published_reply_is_public_and_redacted(client, w, run, world_pages):
    lead = world_pages["filed"]
    reply = world_pages["assignment"].replies.get()
    pub = run(ps.reply_publish, actor=w.office, proposal_id=lead.pk, reply_id=reply.pk)
    client.logout()
    r = client.get("/proposals/public/")
    assert pub.title in r.content.decode()
    r = client.get(f"/proposals/public/{pub.pk}/")
    body = r.content.decode()
    assert "13800138000" not in body and "＊＊＊" in body
    r = client.get("/proposals/public/", {"q": "住建"})
    assert pub.title in r.content.decode()


def test_rating_form_for_each_proposer_then_closed_and_counted(
    client, w, world_pages, django_capture_on_commit_callbacks
):
    lead = world_pages["filed"]
    client_for(client, w.member_user(0))
    r = client.get(f"/proposals/{lead.pk}/")
    assert "评价答复" in r.content.decode()
    a = world_pages["assignment"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/proposals/{lead.pk}/act/rate/",
            {"assignment": a.pk, "rater": f"user:{w.member_user(0).pk}", "value": "satisfied"},
        )
    lead.refresh_from_db()
    assert lead.handling == "closed"
    client_for(client, w.office)
    r = client.get("/proposals/rates/")
    values = {i.key: v for i, v in r.context["indicators"]}
    assert values["closed_rate"] == 100 and values["satisfaction"] == 100 and values["adopted"] == 2


def test_list_pages_cost_the_same_number_of_queries_as_data_grows(
    client, w, run, submitted, filed, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_for(client, w.office)
    submitted(0)
    filed(1)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = {u: count(u) for u in ("/proposals/review/", "/proposals/rates/")}
    for i in range(6):
        submitted(i % 4, title=f"关于第{i}件事的建议")
        filed(i % 4, title=f"关于第{i}件事项的建议")
    after = {u: count(u) for u in before}
    assert after == before


def test_staff_enter_a_special_committee_proposal_and_key_list_exports(client, w, run, filed):
    from xieshang.organisations.tests.factories import SpecialCommitteeFactory

    sc = SpecialCommitteeFactory(committee=w.committee, name="提案委员会")
    client_for(client, w.office)
    page = client.get("/proposals/new/")
    data = {**CONTENT, "declared": "on", "token": str(page.context["form"].initial["token"])}
    data.update(proposer_kind="special_committee", special_committee_id=sc.pk)
    assert client.post("/proposals/new/", data).status_code == 302
    p = Proposal.objects.get(proposer_kind="special_committee")
    assert p.organisation_name == "提案委员会" and p.entered_by_staff
    lead = filed(0)
    run(
        ps.key_proposal_set,
        actor=w.office,
        proposal_id=lead.pk,
        decided_on=lead.session.opens_on,
        leader_id=w.leader.pk,
    )
    ws = load_workbook(io.BytesIO(client.get("/proposals/key/?format=xlsx").content)).active
    assert ws["B3"].value == lead.title and "刘副区长" in ws["C3"].value


def test_attachment_download_is_scoped(client, w, run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    att = run(
        ps.attachment_add, actor=w.member_user(0), proposal_id=p.pk, upload=SimpleUploadedFile("a.pdf", b"%PDF-1")
    )
    client_for(client, w.member_user(0))
    r = client.get(f"/proposals/{p.pk}/attachments/{att.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1"
    client_for(client, w.member_user(1))
    assert client.get(f"/proposals/{p.pk}/attachments/{att.pk}/").status_code == 404


def test_admin_shows_proposals_read_only(client, w, filed):
    from xieshang.organisations.tests.factories import UserFactory

    p = filed(0)
    client.force_login(UserFactory(admin=True, committee=w.committee, username="root"))
    assert p.title in client.get("/admin/proposals/proposal/").content.decode()
    assert client.get(f"/admin/proposals/proposal/{p.pk}/change/").status_code == 200
    assert client.post(f"/admin/proposals/proposal/{p.pk}/delete/").status_code == 403


def test_search_of_two_character_words_is_exact(client, w, filed, submitted):
    """电梯 is in the first text; 电装 has both characters but never side by side; 梯 is one character."""
    client_for(client, w.office)
    lead = filed(0)
    other = submitted(1, title="关于完善社区养老服务的建议", situation="养老服务供给不足。", analysis="投入不够。")
    cases = {"电梯": (True, False), "电装": (False, False), "梯": (True, False), "养老": (False, True),
             "加装电梯 简化": (True, False), "养老 电梯": (False, False)}  # fmt: skip
    for q, (finds_lead, finds_other) in cases.items():
        listed = client.get("/proposals/review/", {"q": q}).content.decode().split('id="all"')[1]
        assert (lead.title in listed, other.title in listed) == (finds_lead, finds_other), q


def test_statistics_open_on_the_latest_year_with_proposals_and_offer_the_site_wide_picker(client, w, submitted):
    from django.utils import timezone

    p = submitted()
    Proposal.objects.filter(pk=p.pk).update(year=2022)
    client_for(client, w.office)
    page = client.get("/proposals/rates/").content.decode()
    this_year = timezone.localdate().year
    assert "2022 年度提案办理统计" in page
    assert 'name="year" data-autosubmit' in page and f'value="{this_year}"' in page
    # a typed year that is not a year opens the default one; a year without proposals says so
    assert "2022 年度" in client.get("/proposals/rates/?year=abc").content.decode()
    assert "暂无记录" in client.get(f"/proposals/rates/?year={this_year}").content.decode()
    # the review list offers the same years, every year by default
    review = client.get("/proposals/review/").content.decode()
    assert '<option value="" selected>全部年度</option>' in review and '<option value="2022">2022年</option>' in review
