"""Proposal pages: parse input, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from xieshang.core import unchanged
from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.paging import counted_page
from xieshang.core.params import to_int, to_year
from xieshang.core.years import choose_year
from xieshang.documents.http import download
from xieshang.handling import permissions as loop_perms
from xieshang.organisations.models import Leader, Session

from . import documents, forms, metrics, selectors
from . import permissions as perms
from . import services as ps
from .models import Category, ExcellentProposal, KeyProposal, Proposal, PublishedReply
from .transitions import PROPOSAL

St = Proposal.Status


def _get(request: HttpRequest, pk: int) -> Proposal:
    try:
        return perms.get_proposal_for(request.user, pk)
    except NotFoundError:
        raise Http404("未找到该提案。") from None


def _require(ok: bool) -> None:
    if not ok:
        raise Http404("页面不存在。")


def _first_error(form: Any) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "请检查填写的内容。"


def _act(request: HttpRequest, p: Proposal, fn: Callable[[], Any], done: str, anchor: str = "") -> HttpResponse:
    try:
        fn()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(f"/proposals/{p.pk}/{('#' + anchor) if anchor else ''}")


# --- lists -------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    _require(perms.member_of(request.user) is not None or perms.is_committee_staff(request.user))
    excellent = request.GET.get("excellent") == "1"
    status = request.GET.get("status", "")
    status = status if status == Proposal.Status.DRAFT else ""
    cosign_only = request.GET.get("show") == "cosign"
    return render(
        request,
        "proposals/mine.html",
        {
            "proposals": []
            if cosign_only
            else selectors.my_proposals(request.user, excellent=excellent, status=status)[:200],
            "cosign": selectors.cosign_requests(request.user),
            "excellent": excellent,
            "drafts": status == Proposal.Status.DRAFT,
            "cosign_only": cosign_only,
        },
    )


PAGE_SIZE = 30


def _page(request: HttpRequest, total: int) -> Page:
    """The requested page of ``total`` rows, clamped as ``Paginator.get_page`` does."""
    return counted_page(request.GET.get("page"), total, PAGE_SIZE)


def _rows_html(qs: Any, start: int = 0, size: int = PAGE_SIZE) -> str:
    return render_to_string("proposals/_table.html", {"rows": list(selectors.as_rows(qs)[start : start + size])})


# The review queue shows its oldest proposals; the rest are one filter away in the list below.
QUEUE_ROWS = 30


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """提案审查与管理: the office's queue and the list of all proposals, filtered and searched.

    The page's body (figures, tables, filters) depends on the database and the query string only:
    it is rendered once and reused by this process until anything is committed to the database
    (``xieshang.core.unchanged``, keyed by PostgreSQL's snapshot). Elsewhere it is rendered every time.
    """
    user = request.user
    _require(perms.is_committee_staff(user) or perms.can_see_stats(user))
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    status = status if status in St.values else ""
    # every year unless one is picked (a list); the picker offers the years that hold proposals
    year_int = to_year(request.GET.get("year"))
    year = str(year_int or "")
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    excellent = request.GET.get("excellent") == "1"

    def listed() -> Any:
        # Built only when something is read: building the queryset costs more than a reused page.
        return selectors.proposal_list(user, q=q, status=status, year=year_int, category=category, excellent=excellent)

    if request.GET.get("format") == "xlsx":
        return download(documents.list_xlsx(selectors.with_people(listed())[:20000]), "提案目录.xlsx")
    state = unchanged.committed_state()
    key = ("proposal-review", user.pk, get_language(), q, status, year, category, excellent)
    page = _page(request, unchanged.while_unchanged((*key, "count"), lambda: listed().count(), state))

    def body() -> str:
        office = perms.is_proposals_office(user)
        pairs = (("q", q), ("status", status), ("year", year), ("category", category), ("excellent", excellent))
        query = {k: "1" if v is True else v for k, v in pairs if v}
        ctx: dict[str, Any] = {
            "page_obj": page,
            "table": _rows_html(listed(), (page.number - 1) * PAGE_SIZE),
            "q": q,
            "status": status,
            "year": year,
            "choice": choose_year(
                year,
                perms.proposals_visible_to(user).values_list("year", flat=True).order_by().distinct(),
                allow_all=True,
            ),
            "category": category,
            "excellent": excellent,
            "statuses": St.choices,
            "categories": Category.choices,
            "is_office": office,
            "queue_rows": QUEUE_ROWS,
            "xlsx_query": urlencode({**query, "format": "xlsx"}),
            "query": urlencode(query),
        }
        if office:
            queue = selectors.review_queue(user)
            ctx["queue_count"] = queue.count()
            ctx["queue_table"] = _rows_html(queue, 0, QUEUE_ROWS)
        return render_to_string("proposals/_review_body.html", ctx)

    html = unchanged.while_unchanged((*key, page.number), body, state)
    return render(request, "proposals/review.html", {"body": html})


@login_required
def handling(request: HttpRequest) -> HttpResponse:
    """本单位承办的提案: the group leads assigned to the unit, the newest first (reused as the review page is)."""
    user = request.user
    _require(user.role == "unit")
    state = unchanged.committed_state()
    key = ("proposal-unit", user.pk, get_language())
    page = _page(
        request, unchanged.while_unchanged((*key, "count"), lambda: selectors.unit_proposals(user).count(), state)
    )

    def body() -> str:
        table = _rows_html(selectors.unit_proposals(user), (page.number - 1) * PAGE_SIZE)
        return render_to_string("proposals/_unit_body.html", {"page_obj": page, "table": table})

    html = unchanged.while_unchanged((*key, page.number), body, state)
    return render(request, "proposals/unit.html", {"body": html})


@login_required
def merge_suggestions(request: HttpRequest) -> HttpResponse:
    """建议并案: the proposals office's suggested merge groups for one session's filed, unassigned proposals."""
    user = request.user
    _require(perms.is_proposals_office(user, user.committee_id) and user.committee_id is not None)
    sessions = list(
        Session.objects.filter(term__committee_id=user.committee_id).select_related("term").order_by("-opens_on")
    )
    wanted = request.GET.get("session", "")
    session = next((s for s in sessions if str(s.pk) == wanted), sessions[0] if sessions else None)
    groups = selectors.merge_suggestions(user.committee_id, session.pk) if session else []
    return render(
        request,
        "proposals/merge_suggestions.html",
        {"sessions": sessions, "session": session, "groups": groups},
    )


# --- drafting ------------------------------------------------------------------------------------


def _draft_data(form: forms.DraftForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    staff = perms.is_committee_staff(request.user)
    _require(staff or perms.member_of(request.user) is not None)
    form = forms.DraftForm(request.POST or None, staff=staff, committee=request.user.committee)
    if request.method == "POST":
        if form.is_valid():
            try:
                p = ps.proposal_save_draft(
                    actor=request.user,
                    data=_draft_data(form),
                    token=form.cleaned_data.get("token"),
                    on_behalf_of=form.cleaned_data.get("member") if staff else None,
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, gettext("Draft saved. You can now add co-signers and attachments, then submit it.")
                )
                return redirect("proposals:detail", p.pk)
        else:
            messages.error(request, _first_error(form))
    return render(request, "proposals/edit.html", {"form": form, "proposal": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = _get(request, pk)
    _require(perms.can_edit(request.user, p))
    initial = {f: getattr(p, f) for f in (*ps.DRAFT_FIELDS, "declared")}
    form = forms.DraftForm(request.POST or None, initial=initial, staff=False)
    form.fields.pop("token", None)
    if request.method == "POST":
        if form.is_valid():
            try:
                ps.proposal_save_draft(actor=request.user, proposal_id=p.pk, data=_draft_data(form))
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, gettext("Changes saved."))
                return redirect("proposals:detail", p.pk)
        else:
            messages.error(request, _first_error(form))
    return render(request, "proposals/edit.html", {"form": form, "proposal": p})


# --- the proposal page ---------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = _get(request, pk)
    user = request.user
    office = perms.is_proposals_office(user, p.committee_id)
    # The moves the proposal's state allows now (the transition table); each button also needs the role.
    actions = set(PROPOSAL.available(p))
    handling = p.handling
    ctx: dict[str, Any] = {
        "p": p,
        "actions": actions,
        "handling": handling,
        "handling_label": Proposal.Handling(handling).label,
        "proposers": list(p.proposers.select_related("member").all()),
        "group": selectors.group_of(p) if p.status == St.FILED else [],
        "info": selectors.handling_of(p, user),
        "history": selectors.history(p),
        "can_edit": perms.can_edit(user, p),
        "is_office": office,
        "cosign_message": ps.cosign_status_message(p),
        "attachments": p.attachments.all(),
        "is_first": p.proposers.filter(order=1, member__user=user).exists() or p.created_by_id == user.pk,
    }
    # link only what the user may open: a proposer sees the handling on this page, not the loop's
    # item page, and may not see the other proposals of a merge group
    linked = [g.pk for g in ctx["group"]] + ([p.merged_into_id] if p.merged_into_id else [])
    ctx["openable"] = set(perms.proposals_visible_to(user).filter(pk__in=linked).values_list("pk", flat=True))
    ctx["can_open_item"] = (
        bool(ctx["info"]) and loop_perms.items_visible_to(user).filter(pk=ctx["info"]["item"].pk).exists()
    )
    mine = p.proposers.filter(member__user=user, order__gt=1, confirmed_at__isnull=True, declined_at__isnull=True)
    ctx["must_confirm"] = "cosign" in actions and p.status == St.COSIGNING and mine.exists()
    if ctx["can_edit"]:
        ctx["similar"] = selectors.similar_to(p)
        first = p.proposers.filter(order=1).values_list("member_id", flat=True).first()
        ctx["cosigners_form"] = forms.CosignersForm(
            initial={"members": list(p.proposers.filter(order__gt=1).values_list("member_id", flat=True))},
            committee=p.committee,
            exclude=[first] if first else None,
        )
    if office and "file" in actions:
        ctx["file_form"] = forms.FileForm(initial={"category": p.category}, auto_id="file_%s")
        ctx["not_file_form"] = forms.NotFileForm(auto_id="notfile_%s")
        ctx["merge_form"] = forms.MergeForm(proposal=p, auto_id="merge_%s")
        ctx["similar"] = selectors.similar_to(p)
    info = ctx["info"]
    pending = bool(info) and info["item"].status == "pending"
    mergeable = office and "merge" in actions and p.is_lead and not p.merged.exists()
    if mergeable and pending:
        ctx["merge_form"] = forms.MergeForm(proposal=p, auto_id="merge_%s")
    if pending and "assign" in actions and perms.can_assign(user, p.committee_id) and p.is_lead:
        ctx["assign_form"] = forms.AssignForm(committee=p.committee, initial={"mode": "single"})
    if office and "key" in actions and p.is_lead and not p.is_key:
        ctx["key_form"] = forms.KeyForm(
            auto_id="key_%s",
            initial={"decided_on": timezone.localdate()},
            leaders=Leader.objects.filter(committee=p.committee),
        )
    if p.is_key:
        ctx["key"] = KeyProposal.objects.select_related("leader").get(proposal=p)
        ctx["activity_form"] = (
            forms.ActivityForm(auto_id="act_%s", initial={"held_on": timezone.localdate()}) if office else None
        )
    ctx["own_rater_key"] = f"user:{user.pk}"
    ctx["ratings_due"] = [
        (a, key, label, forms.RateForm(initial={"assignment": a.pk, "rater": key}, prefix=f"r{a.pk}-{i}"))
        for i, (a, key, label) in enumerate(selectors.pending_ratings(user, p))
    ]
    if office and info and "publish" in actions:
        published = set(PublishedReply.objects.filter(withdrawn_at__isnull=True).values_list("reply_id", flat=True))
        ctx["publishable"] = [
            (r, forms.PublishForm(initial={"reply": r.pk, "body": r.body}, prefix=f"pub{r.pk}"))
            for r in info["replies"]
            if r.review == "passed" and r.assignment.role == "lead" and r.pk not in published
        ]
    ctx["publications"] = p.group_lead.publications.filter(withdrawn_at__isnull=True)
    if ctx["can_edit"]:
        ctx["suggestion_items"] = list(p.suggestion_items.all())
    ctx["adopted"] = selectors.adopted_by_reply([r.pk for r in info["replies"]]) if info else {}
    ctx["excellent"] = ExcellentProposal.objects.filter(proposal=p).first() if p.is_excellent else None
    if office and not p.is_excellent and "excellent" in actions and handling == Proposal.Handling.CLOSED:
        ctx["excellent_form"] = forms.ExcellentForm(auto_id="excellent_%s", initial={"year": p.year})
    return render(request, "proposals/detail.html", ctx)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One endpoint per proposal for its transitions; each branch calls one service."""
    p = _get(request, pk)
    u, post = request.user, request.POST
    note = post.get("note", "")
    if action == "submit":
        return _act(request, p, lambda: ps.proposal_submit(actor=u, proposal_id=p.pk), gettext("Submitted."))
    if action == "cosigners":
        ids = post.getlist("members")
        return _act(
            request,
            p,
            lambda: ps.proposal_set_cosigners(actor=u, proposal_id=p.pk, member_ids=ids),
            gettext("Co-signers updated."),
        )
    if action in ("confirm", "decline_cosign"):
        agree = action == "confirm"
        return _act(
            request,
            p,
            lambda: ps.proposal_cosign(actor=u, proposal_id=p.pk, agree=agree),
            gettext("Co-signing confirmed.") if agree else gettext("Co-signing declined."),
        )
    if action == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的文件。")
            return redirect("proposals:detail", p.pk)
        return _act(request, p, lambda: ps.attachment_add(actor=u, proposal_id=p.pk, upload=upload), "附件已上传。")
    if action == "file":
        version = post.get("version")
        return _act(
            request,
            p,
            lambda: ps.proposal_file(
                actor=u,
                proposal_id=p.pk,
                category=post.get("category") or None,
                note=note,
                expected_version=int(version) if version and version.isdigit() else None,
            ),
            "已立案。",
        )
    if action == "not_file":
        return _act(
            request,
            p,
            lambda: ps.proposal_not_file(actor=u, proposal_id=p.pk, ground=post.get("ground", ""), note=note),
            "已作不予立案处理，并告知提案人。",
        )
    if action == "return":
        return _act(request, p, lambda: ps.proposal_return(actor=u, proposal_id=p.pk, note=note), "已退回提案人修改。")
    if action == "suggestion":
        return _act(
            request, p, lambda: ps.proposal_to_suggestion(actor=u, proposal_id=p.pk, note=note), "已转为意见建议。"
        )
    if action == "opinion":
        return _act(
            request, p, lambda: ps.proposal_propose_opinion(actor=u, proposal_id=p.pk, note=note), "已征求提案人意见。"
        )
    if action in ("opinion_agree", "opinion_refuse"):
        agree = action == "opinion_agree"
        return _act(
            request, p, lambda: ps.proposal_opinion_consent(actor=u, proposal_id=p.pk, agree=agree), "已记录您的意见。"
        )
    if action == "merge":
        lead = post.get("lead", "")
        if not lead.isdigit():
            messages.error(request, "请选择并入的主案。")
            return redirect("proposals:detail", p.pk)
        return _act(
            request, p, lambda: ps.proposal_merge(actor=u, proposal_id=p.pk, lead_id=int(lead), note=note), "已并案。"
        )
    if action == "unmerge":
        return _act(request, p, lambda: ps.proposal_unmerge(actor=u, proposal_id=p.pk, note=note), "已解除并案。")
    if action == "assign":
        return _act(
            request,
            p,
            lambda: ps.proposal_assign(
                actor=u,
                proposal_id=p.pk,
                mode=post.get("mode", ""),
                lead_unit_ids=[x for x in post.getlist("lead_units") if x.isdigit()],
                co_unit_ids=[x for x in post.getlist("co_units") if x.isdigit()],
                note=note,
            ),
            "已交办。",
        )
    if action == "rate":
        a_id = post.get("assignment", "")
        return _act(
            request,
            p,
            lambda: ps.proposal_rate(
                actor=u,
                assignment_id=int(a_id) if a_id.isdigit() else 0,
                value=post.get("value", ""),
                comment=post.get("comment", ""),
                rater_key=post.get("rater") or None,
            ),
            "评价已提交，谢谢。",
            "rate",
        )
    if action == "key":
        form = forms.KeyForm(post, leaders=Leader.objects.filter(committee=p.committee))
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect("proposals:detail", p.pk)
        d = form.cleaned_data
        return _act(
            request,
            p,
            lambda: ps.key_proposal_set(
                actor=u, proposal_id=p.pk, decided_on=d["decided_on"], leader_id=d.get("leader"), note=d.get("note", "")
            ),
            "已列为重点提案。",
        )
    if action == "excellent":
        form = forms.ExcellentForm(post)
        if not form.is_valid():
            messages.error(request, _first_error(form))
            return redirect("proposals:detail", p.pk)
        return _act(
            request,
            p,
            lambda: ps.proposal_mark_excellent(
                actor=u,
                proposal_id=p.pk,
                year=form.cleaned_data["year"],
                note=form.cleaned_data["note"],
                expected_version=to_int(post.get("version")),
            ),
            "已评为优秀提案。",
            "excellent",
        )
    if action == "unexcellent":
        return _act(
            request,
            p,
            lambda: ps.proposal_unmark_excellent(
                actor=u, proposal_id=p.pk, reason=post.get("reason", ""), expected_version=to_int(post.get("version"))
            ),
            "已撤销优秀提案。",
            "excellent",
        )
    if action == "activity":
        form = forms.ActivityForm(post)
        if not form.is_valid() or not p.is_key:
            messages.error(request, _first_error(form) if not form.is_valid() else "该提案不是重点提案。")
            return redirect("proposals:detail", p.pk)
        d = form.cleaned_data
        key_id = KeyProposal.objects.get(proposal=p).pk
        return _act(request, p, lambda: ps.key_activity_record(actor=u, key_id=key_id, **d), "督办活动已记录。")
    if action == "publish":
        reply_id = post.get("reply", "")
        return _act(
            request,
            p,
            lambda: ps.reply_publish(
                actor=u,
                proposal_id=p.pk,
                reply_id=int(reply_id) if reply_id.isdigit() else 0,
                body=post.get("body"),
                extra_redactions=post.get("extra", ""),
            ),
            "答复已公开，联系方式已自动隐去。",
        )
    if action == "unpublish":
        pub_id = post.get("publication", "")
        pub = p.group_lead.publications.filter(pk=int(pub_id) if pub_id.isdigit() else 0).first()
        if pub is None:
            messages.error(request, "未找到该公开答复。")
            return redirect("proposals:detail", p.pk)
        return _act(
            request,
            p,
            lambda: ps.reply_unpublish(actor=u, publication_id=pub.pk, reason=post.get("reason", "")),
            "已撤销公开，门户网站不再显示该答复。",
            "published",
        )
    raise Http404("未知操作。")


# --- documents -----------------------------------------------------------------------------------


@login_required
def assignment_letter(request: HttpRequest, pk: int) -> HttpResponse:
    p = _get(request, pk)
    info = selectors.handling_of(p)
    _require(bool(info) and bool(info["assignments"]))
    return download(documents.assignment_letter(p.group_lead, info), f"交办函-{p.group_lead.number_label}.docx")


@login_required
def reply_letter(request: HttpRequest, pk: int, reply_id: int) -> HttpResponse:
    p = _get(request, pk)
    info = selectors.handling_of(p, request.user)
    reply = next((r for r in info.get("replies", []) if r.pk == reply_id), None)
    _require(reply is not None)
    return download(documents.reply_letter(p.group_lead, reply), f"答复函-{p.group_lead.number_label}.docx")


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    p = _get(request, pk)
    att = get_object_or_404(p.attachments, pk=attachment_id)
    response = FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def compilation(request: HttpRequest) -> HttpResponse:
    _require(perms.can_see_stats(request.user))
    year = request.GET.get("year", "")
    qs = perms.proposals_visible_to(request.user).filter(status=St.FILED)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    return download(documents.compilation(qs, year=year), f"提案汇编{year}.docx")


# --- rates ---------------------------------------------------------------------------------------


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    _require(perms.can_see_stats(request.user))
    base = perms.proposals_visible_to(request.user)
    # the site-wide picker: this year when it holds proposals, else the latest year that does
    choice = choose_year(request.GET.get("year"), base.values_list("year", flat=True).order_by().distinct())
    year_int = choice.year
    qs = base.filter(year=year_int)
    scope = metrics.load_scope(qs)
    values = metrics.compute(scope)
    by = request.GET.get("by", "unit")
    by = by if by in ("unit", "category", "sector", "kind", "hk") else "unit"
    rows = metrics.breakdown(scope, by)
    if request.GET.get("format") == "xlsx":
        return download(documents.rates_xlsx(values, rows, by, year_int), f"提案办理统计{year_int or ''}.xlsx")
    keys = KeyProposal.objects.filter(proposal__in=qs)
    return render(
        request,
        "proposals/rates.html",
        {
            "indicators": [(i, values[i.key]) for i in metrics.INDICATORS],
            "rows": [
                (label, [(metrics.BY_KEY[k].name, v[k]) for k in metrics.BREAKDOWN_INDICATORS]) for label, v in rows
            ],
            "cols": [metrics.BY_KEY[k] for k in metrics.BREAKDOWN_INDICATORS],
            "by": by,
            "year": year_int,
            "choice": choice,
            "leaders": keys.exclude(leader=None).values("leader").distinct().count(),
            "key_count": keys.count(),
        },
    )


@login_required
def key_list(request: HttpRequest) -> HttpResponse:
    _require(perms.can_see_stats(request.user))
    keys = (
        KeyProposal.objects.filter(proposal__in=perms.proposals_visible_to(request.user))
        .select_related("leader")
        .prefetch_related(Prefetch("proposal", queryset=selectors.with_handling(Proposal.objects.all())), "activities")
        .order_by("-proposal__year", "proposal__number")
    )
    if request.GET.get("format") == "xlsx":
        return download(documents.key_xlsx(keys), "重点提案.xlsx")
    return render(request, "proposals/key.html", {"keys": keys})


# --- import --------------------------------------------------------------------------------------


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    from . import importer

    _require(perms.is_proposals_office(request.user))
    ctx: dict[str, Any] = {"form": forms.ImportForm()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        confirm = request.POST.get("confirm") == "1"
        key = "proposal_import"
        try:
            if confirm:
                data = request.session.get(key)
                if not data:
                    raise ServiceError("预览已过期，请重新上传文件。")
                result = importer.import_rows(actor=request.user, data=bytes.fromhex(data))
                request.session.pop(key, None)
                messages.success(request, f"已导入 {result.proposals} 件提案、{result.replies} 份答复。")
                return redirect("proposals:review")
            if upload is None:
                raise ServiceError("请选择 .xlsx 文件。")
            if upload.size > 10 * 1024 * 1024:
                raise ServiceError("文件超过 10 MB。")
            data = upload.read()
            ctx["preview"] = importer.preview(committee=request.user.committee, data=data)
            if not ctx["preview"].errors:
                request.session[key] = data.hex()
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(request, "proposals/import.html", ctx)


@login_required
def history_export(request: HttpRequest) -> HttpResponse:
    from . import importer

    _require(perms.can_see_stats(request.user))
    year = request.GET.get("year", "")
    qs = perms.proposals_visible_to(request.user)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    return download(importer.export_xlsx(qs), f"历年提案{year}.xlsx", as_written=True)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    from . import importer

    _require(perms.is_proposals_office(request.user))
    return download(importer.template_xlsx(), "提案导入模板.xlsx", as_written=True)


# --- public --------------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.published_replies(q), 20).get_page(request.GET.get("page"))
    return render(
        request, "proposals/public_list.html", {"page_obj": page, "q": q, "q_query": urlencode({"q": q}) if q else ""}
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(selectors.published_replies(), pk=pk)
    return render(request, "proposals/public_detail.html", {"pub": pub, "p": pub.proposal})
