"""Reads for proposal pages, exports, the portal and the API. Scopes come from ``permissions.py``."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, StrIndex
from django.db.models.lookups import GreaterThan

from xieshang.core import audit
from xieshang.handling import assist
from xieshang.handling.models import Assignment, Item, Rating, Reply

from . import permissions as perms
from .models import AdoptedSuggestion, Proposal, Proposer, PublishedReply, Suggestion
from .similar import similar_proposals

St = Proposal.Status


def _item_status(ref: str) -> Subquery:
    # A declined item is a merged proposal's own, given up for the group's: no handling state.
    items = Item.objects.filter(pk=OuterRef(ref)).exclude(status=Item.Status.DECLINED)
    return Subquery(items.values("status")[:1])


def with_handling(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Each proposal with ``handling`` read from its group lead's item in the same query (what
    ``Proposal.handling`` reads one by one); ``.filter(handling=...)`` works on the result."""
    state = Case(
        When(merged_into__isnull=False, then=_item_status("merged_into__item_id")),
        default=_item_status("item_id"),
    )
    # The annotation fills the property's value (its setter); django-stubs sees a second definition.
    return qs.annotate(handling=Coalesce(state, Value("")))  # type: ignore[no-redef]


def with_people(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return (
        with_handling(qs)
        .select_related("session__term", "merged_into")
        .prefetch_related(
            Prefetch("proposers", queryset=Proposer.objects.select_related("member").order_by("order", "id"))
        )
    )


# What a row of a proposal list shows (``_table.html``); the texts stay in the table.
ROW_FIELDS = (
    "id",
    "number_label",
    "title",
    "is_key",
    "is_excellent",
    "category",
    "status",
    "kind",
    "item_id",
    "merged_into_id",
    "merged_into__number_label",
)


def as_rows(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """A list's rows with their proposers and handling state, reading only the columns the list prints."""
    proposers = Proposer.objects.only("proposal_id", "order", "name", "confirmed_at", "declined_at")
    return (
        with_handling(qs)
        .select_related("merged_into")
        .only(*ROW_FIELDS)
        .prefetch_related(Prefetch("proposers", queryset=proposers.order_by("order", "id")))
    )


_RUN = re.compile(r"\w+")


def bigrams(word: str) -> list[str]:
    """The pairs of adjacent letters, digits or characters of ``word``, as the bigram index holds them."""
    return [run[i : i + 2] for run in _RUN.findall(word) for i in range(len(run) - 1)]


class HasBigrams(Lookup):
    """``search_text__bigrams="电梯 梯加"``: every pair is in the text (PostgreSQL's bigram GIN index,
    migration 0004). It narrows the rows; the ``contains`` beside it decides."""

    lookup_name = "bigrams"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        vector = f"to_tsvector('simple'::regconfig, xieshang_bigrams({lhs}))"
        return f"{vector} @@ plainto_tsquery('simple'::regconfig, {rhs})", (*lhs_params, *rhs_params)


Proposal._meta.get_field("search_text").register_lookup(HasBigrams)


def search(qs: QuerySet[Proposal], q: str) -> QuerySet[Proposal]:
    """Chinese search over case number, title, text, proposers and units. Every word must match.

    On PostgreSQL a word of two or more characters is looked up by its character pairs in the bigram
    index (``电梯`` has no trigram, so a trigram index would read every row); its answer is exact for
    a two-character word, and for a longer one ``strpos`` on the rows found decides. ``strpos`` is
    not a pattern the trigram index serves, so the planner does not combine the two indexes and then
    work out every row's pairs again to recheck them. A one-character word, and SQLite, scan."""
    postgres = connection.vendor == "postgresql"
    for word in (q or "").lower().split()[:5]:
        pairs = bigrams(word) if postgres else []
        if pairs:
            qs = qs.filter(search_text__bigrams=" ".join(pairs))
        if pairs != [word]:
            qs = qs.filter(GreaterThan(StrIndex("search_text", Value(word)), 0))
    return qs


def review_queue(user: Any) -> QuerySet[Proposal]:
    """待审查: submitted proposals, the oldest first."""
    return perms.proposals_visible_to(user).filter(status=St.SUBMITTED).order_by("submitted_at", "id")


def proposal_list(
    user: Any, *, q: str = "", status: str = "", year: int | None = None, category: str = "", excellent: bool = False
):
    qs = perms.proposals_visible_to(user)
    if excellent:
        qs = qs.filter(is_excellent=True)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    if category:
        qs = qs.filter(category=category)
    if not q.strip():
        return qs.order_by("-year", "number", "-id")
    # The same order, written so that no index provides it: the planner then finds the matches
    # through the search indexes and sorts them, instead of walking the whole list in order and
    # working out each row's character pairs to test it.
    unindexed = ExpressionWrapper(F("year") + 0, output_field=IntegerField())
    return search(qs, q).order_by(unindexed.desc(nulls_first=True), "number", "-id")


def my_proposals(user: Any, *, excellent: bool = False, status: str = "") -> QuerySet[Proposal]:
    qs = perms.proposals_visible_to(user)
    if excellent:
        qs = qs.filter(is_excellent=True)
    if status in St.values:
        qs = qs.filter(status=status)
    return with_people(qs).order_by("-created_at", "-id")


def cosign_requests(user: Any) -> QuerySet[Proposal]:
    return with_people(
        Proposal.objects.filter(
            status=St.COSIGNING,
            proposers__member__user=user,
            proposers__order__gt=1,
            proposers__confirmed_at__isnull=True,
            proposers__declined_at__isnull=True,
        )
    )


def unit_proposals(user: Any) -> QuerySet[Proposal]:
    """The proposals (group leads) a unit handles, the newest first."""
    return perms.unit_lead_proposals(user).order_by("-id")


def group_of(p: Proposal) -> list[Proposal]:
    lead = p.group_lead
    return [lead, *with_people(lead.merged.all()).order_by("number", "id")]


def handling_of(p: Proposal, user: Any = None) -> dict[str, Any]:
    """The loop's record for the proposal's group: item, assignments, passed replies, ratings.

    With ``user``, only what that user may read of it (``permissions.handling_visible_to``).
    """
    lead = p.group_lead
    if not lead.item_id:
        return {}
    item = Item.objects.get(pk=lead.item_id)
    assignments = list(
        perms.handling_visible_to(user, item)
        .select_related("unit")
        .prefetch_related("replies", "ratings", "contacts", "opinions")
        .order_by("role", "id")
    )
    replies = [
        r for a in assignments for r in a.replies.all() if r.review in (Reply.Review.PASSED, Reply.Review.SUPERSEDED)
    ]
    return {"item": item, "assignments": assignments, "replies": replies}


def adoptable(item: Item) -> list[tuple[int, str]]:
    """The suggestions a reply on a proposal item may adopt: those of every proposal of the group the item
    handles (the lead and the proposals merged into it), each labelled with its number (and the
    proposal's case number when the group has several)."""
    lead = Proposal.objects.filter(item_id=item.pk, merged_into__isnull=True, status=St.FILED).first()
    if lead is None:
        return []
    rows = list(
        Suggestion.objects.filter(Q(proposal=lead) | Q(proposal__merged_into=lead, proposal__status=St.FILED))
        .select_related("proposal")
        .order_by("proposal__number", "proposal_id", "number")
    )
    several = len({s.proposal_id for s in rows}) > 1
    out = []
    for s in rows:
        text = s.text if len(s.text) <= 120 else f"{s.text[:119]}…"
        prefix = f"{s.proposal.number_label or s.proposal.title} " if several else ""
        out.append((s.pk, f"{prefix}建议{s.number}：{text}"))
    return out


def adopted_by_reply(reply_ids: list[int]) -> dict[int, list[Suggestion]]:
    """The suggestions each reply adopts, in their order (the proposal page, the reply letter)."""
    out: dict[int, list[Suggestion]] = {r: [] for r in reply_ids}
    for row in (
        AdoptedSuggestion.objects.filter(reply_id__in=reply_ids)
        .select_related("suggestion__proposal")
        .order_by("suggestion__proposal__number", "suggestion__proposal_id", "suggestion__number")
    ):
        out[row.reply_id].append(row.suggestion)
    return out


def pending_ratings(user: Any, p: Proposal) -> list[tuple[Assignment, str, str]]:
    """(assignment, rater key, label) the user may rate now: themself; the proposals office any proposer."""
    from .services import raters_for_item

    info = handling_of(p)
    if not info:
        return []
    raters = raters_for_item(info["item"])
    # The office records the rating a proposer gave offline (a paper form, a call), with or without
    # an account; the rating then shows as recorded by staff.
    office = perms.is_proposals_office(user, p.committee_id)
    out = []
    for a in info["assignments"]:
        if a.role != Assignment.Role.LEAD or a.status != Assignment.Status.AWAITING_RATING:
            continue
        done = {r.rater_key for r in a.ratings.all() if r.round == a.round}
        for r in raters:
            if r.key in done:
                continue
            mine = r.user is not None and r.user.pk == user.pk
            if mine or office:
                out.append((a, r.key, r.label))
    return out


def similar_to(p: Proposal, limit: int = 5):
    pool = Proposal.objects.filter(committee_id=p.committee_id).exclude(status__in=(St.DRAFT, St.COSIGNING))
    return similar_proposals(f"{p.title} {p.suggestions}", pool, exclude_id=p.pk, limit=limit)


ACTION_LABELS = {
    "draft": "起草",
    "edit": "修改",
    "cosigners": "设置联名人",
    "cosign": "确认联名",
    "cosign_decline": "拒绝联名",
    "attach": "上传附件",
    "detach": "删除附件",
    "submit": "提交",
    "file": "立案",
    "not_file": "不予立案",
    "return": "退回修改",
    "to_suggestion": "转意见建议",
    "propose_opinion": "拟转社情民意",
    "opinion_consent": "同意转社情民意",
    "opinion_refuse": "不同意转社情民意",
    "merge": "并案",
    "merge_lead": "并入本案",
    "unmerge": "解除并案",
    "unmerge_lead": "解除并案",
    "key": "列为重点提案",
    "key_activity": "督办活动",
    "publish": "公开答复",
    "unpublish": "撤销公开",
    "closed": "办结",
    "excellent": "评为优秀提案",
    "unexcellent": "撤销优秀提案",
    "import": "导入",
}


def history(p: Proposal) -> list[Any]:
    entries = list(audit.history(f"proposal:{p.pk}"))
    for e in entries:
        e.label = ACTION_LABELS.get(e.action, e.action)
    return entries


def published_replies(q: str = "") -> QuerySet[PublishedReply]:
    """The portal's list: published, not withdrawn replies, newest first (public data only)."""
    qs = PublishedReply.objects.filter(withdrawn_at__isnull=True).select_related("proposal")
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(unit_name__icontains=word))
    return qs.order_by("-published_at", "-id")


def ratings_of(p: Proposal) -> list[Rating]:
    info = handling_of(p)
    return [r for a in info.get("assignments", []) for r in a.ratings.all()]


def merge_suggestions(committee_id: int, session_id: int | None) -> list[list[Proposal]]:
    """建议并案: groups of a session's filed, not yet assigned proposals about the same matter.

    Each group is ordered lead first: a proposal that already heads a merge group, else the lowest
    case number. The office decides; nothing is merged here.
    """
    qs = Proposal.objects.filter(
        committee_id=committee_id,
        session_id=session_id,
        status=St.FILED,
        merged_into__isnull=True,
        item__status=Item.Status.PENDING,
    )
    rows = list(qs.values_list("pk", "title", "situation", "suggestions")[:3000])
    groups = assist.merge_groups([(pk, title, f"{sit}\n{sugg}") for pk, title, sit, sugg in rows])
    if not groups:
        return []
    by_id = with_people(qs.filter(pk__in=[i for g in groups for i in g])).annotate(n_merged=Count("merged")).in_bulk()
    out = []
    for ids in groups:
        members = [by_id[i] for i in ids if i in by_id]
        members.sort(key=lambda p: (-p.n_merged, p.number or 0, p.pk))
        if len(members) >= 2:
            out.append(members)
    return out
