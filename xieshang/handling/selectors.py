"""Reads of the loop for pages, exports and the API.

Every list starts from the scopes in ``permissions.py`` and loads what its rows show with
``select_related`` / ``prefetch_related`` / annotations, so the number of queries of a page does not
grow with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import unchanged
from xieshang.organisations.models import Unit
from xieshang.workdays.calendar import table

from . import permissions as perms
from . import registry
from .models import (
    LIVE_STATES,
    Assignment,
    Contact,
    CoOpinion,
    Item,
    Rating,
    Reply,
    Request,
    Supervision,
    queue_flag_order,
)
from .transitions import allowed_actions, item_actions

S = Assignment.Status
OPEN_STATES = (S.NEW, S.SIGNED, S.RETURN_REQUESTED)


# --- the dispatcher's queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    channel: str = ""
    status: str = "pending"
    area_id: int | None = None
    overdue: bool = False
    q: str = ""


QUEUE_ITEM_FIELDS = (
    "id",
    "committee_id",
    "channel",
    "kind",
    "title",
    "area_id",
    "status",
    "is_urgent",
    "is_supervised",
    "is_overdue",
    "escalated_to_district",
    "returned_count",
    "accepted_at",
    "source_type",
    "source_id",
    "version",
    "area__name",
    "area__parent_id",
)


def queue_items(user: Any, filters: QueueFilters) -> QuerySet[Item]:
    """Items in the dispatcher's scope, filtered; 上报至区级 and 退回 first, then the oldest first.

    Rows carry what the list shows, not the item's text; the pending queue is read in the order of
    the partial index ``item_pending_queue``, so a page costs the same with 100 or 100,000 items.
    """
    qs = perms.items_visible_to(user).select_related("area").only(*QUEUE_ITEM_FIELDS)
    if filters.status == "pending":
        qs = qs.filter(status=Item.Status.PENDING)
    elif filters.status in Item.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.area_id:
        qs = qs.filter(Q(area_id=filters.area_id) | Q(area__parent_id=filters.area_id))
    if filters.overdue:
        qs = qs.filter(is_overdue=True)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.status == "pending":
        return qs.annotate(flag_order=queue_flag_order()).order_by("flag_order", "-is_urgent", "accepted_at", "id")
    return qs.order_by("-accepted_at", "-id")


def queue_total(filters: QueueFilters, counts: dict[str, int]) -> int | None:
    """The number of rows of the unfiltered pending queue, already counted for the header; else None."""
    if filters == QueueFilters():
        return counts["pending"]
    return None


def queue_label(item: Item) -> str:
    if item.status != Item.Status.PENDING:
        return item.get_status_display()
    if item.escalated_to_district:
        return "上报至区级"
    if item.returned_count:
        return "退回待改派"
    return "新受理"


def pending_requests(user: Any) -> QuerySet[Request]:
    """Return and extension requests waiting for the office, oldest first."""
    return (
        Request.objects.filter(
            status=Request.Status.PENDING,
            assignment__in=perms.assignments_visible_to(user),
        )
        .select_related("assignment", "assignment__item", "assignment__unit", "suggested_unit", "created_by")
        .order_by("created_at", "id")
    )


def replies_for_review(user: Any) -> QuerySet[Reply]:
    return (
        Reply.objects.filter(
            review=Reply.Review.PENDING,
            assignment__status=S.REPLIED,
            assignment__in=perms.assignments_visible_to(user),
        )
        .select_related("assignment", "assignment__item", "assignment__unit", "created_by")
        .order_by("created_at", "id")
    )


# --- figures that hold while nothing is committed ---------------------------------------------

# Pages call these through the selectors; the mechanism is the platform's (xieshang.core.unchanged).
committed_state = unchanged.committed_state
while_unchanged = unchanged.while_unchanged
_READ_NOW = unchanged.READ_NOW


def queue_counts(user: Any, state: Any = _READ_NOW) -> dict[str, int]:
    """The header figures of 交办中心, in one round trip; each count reads a (partial) index only."""

    def compute() -> dict[str, int]:
        items = perms.items_visible_to(user)
        return count_many(
            pending=items.filter(status=Item.Status.PENDING),
            overdue=items.filter(is_overdue=True),
            requests=pending_requests(user),
            replies=replies_for_review(user),
        )

    return dict(while_unchanged(("queue_counts", user.pk), compute, state))


def count_many(**querysets: QuerySet[Any]) -> dict[str, int]:
    """``{name: qs.count()}`` as one statement of scalar subqueries instead of one query per count."""
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    out: dict[str, int] = {}
    for name, qs in querysets.items():
        try:
            sql, p = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            out[name] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 - compiled by the ORM, params apart
        params.extend(p)
        names.append(name)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            out.update(zip(names, cursor.fetchone(), strict=True))
    return {name: out[name] for name in querysets}


_AREAS_TTL = 60.0
_areas: tuple[float, list[Area]] | None = None


def areas_for_filter() -> list[Area]:
    """The streets of the 镇街 filter. They change a few times a decade: one read a minute per process."""
    global _areas
    now = time.monotonic()
    if _areas is None or now - _areas[0] > _AREAS_TTL or connection.in_atomic_block:
        _areas = (now, list(Area.objects.filter(level=Area.Level.STREET).order_by("code").only("id", "name")))
    return _areas[1]


def units_for_assignment(committee_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(committee_id=committee_id, is_active=True).order_by("kind", "name")


# --- the unit's workbench ----------------------------------------------------------------------


def with_effective_due(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return qs.annotate(due=Coalesce(F("extended_until"), F("reply_due_at")))


WORKBENCH_FIELDS = (
    "id",
    "item_id",
    "unit_id",
    "role",
    "status",
    "round",
    "assigned_at",
    "reply_due_at",
    "extended_until",
    "deadline_uncertain",
    "is_overdue",
    "version",
    "item__title",
    "item__accepted_at",
    "item__area_id",
    "item__is_supervised",
    "item__is_urgent",
    "item__area__name",
    "unit__name",
)


# The workbench's lists, each a defined set of the unit's assignments; the header cards count the
# same sets: 在办 (open) = 待签收 (new) + 办理中 (working); 已超期 (overdue) is the part of 在办 past its
# deadline; 已答复、已办结 (done) is everything no longer open, and 已答复待审核或评价 (awaiting) the part of
# it still waiting for the office's review or the rating. Every key opens the list its card counts.
WORKBENCH_SHOWS = ("open", "new", "working", "overdue", "awaiting", "done")
WORKING_STATES = (S.SIGNED, S.RETURN_REQUESTED)
AWAITING_STATES = (S.REPLIED, S.AWAITING_RATING)


def workbench_show(value: Any) -> str:
    """The list a ``?show=`` asks for; anything else is the open list."""
    return value if value in WORKBENCH_SHOWS else "open"


def workbench_assignments(user: Any, *, done: bool = False, show: str = "") -> QuerySet[Assignment]:
    """The unit's assignments of one list (``WORKBENCH_SHOWS``): open ones (overdue first, then the
    nearest deadline), a part of them, or the ones no longer open.

    The open list is read in the order of the partial index ``assignment_workbench_open``; 延期审批中
    is one EXISTS per row shown, not a count grouped over every open row.
    """
    show = "done" if done and not show else workbench_show(show)
    extension = Request.objects.filter(
        assignment=OuterRef("pk"), kind=Request.Kind.EXTENSION, status=Request.Status.PENDING
    )
    qs = (
        with_effective_due(perms.assignments_visible_to(user))
        .select_related("item", "item__area", "unit")
        .only(*WORKBENCH_FIELDS)
        .annotate(pending_extension=Exists(extension))
    )
    if show == "done":
        return qs.exclude(status__in=OPEN_STATES).order_by("-assigned_at", "-id")
    if show == "awaiting":
        return qs.filter(status__in=AWAITING_STATES).order_by("-assigned_at", "-id")
    states = {"new": (S.NEW,), "working": WORKING_STATES}.get(show, OPEN_STATES)
    qs = qs.filter(status__in=states)
    if show == "overdue":
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-is_overdue", "due", "id")


def workbench_counts(user: Any, state: Any = _READ_NOW) -> dict[str, int]:
    """The header figures of the workbench, from one grouped read of the index (unit, status, is_overdue):
    one figure per list of ``WORKBENCH_SHOWS`` but the finished one."""
    return dict(while_unchanged(("workbench_counts", user.pk), lambda: _workbench_counts(user), state))


def _workbench_counts(user: Any) -> dict[str, int]:
    counts = {"new": 0, "working": 0, "open": 0, "overdue": 0, "awaiting": 0}
    rows = (
        perms.assignments_visible_to(user)
        .filter(status__in=(*OPEN_STATES, *AWAITING_STATES))
        .values_list("status", "is_overdue")
        .annotate(n=Count("*"))
        .order_by()
    )
    for status, overdue, n in rows:
        if status in OPEN_STATES:
            counts["open"] += n
            counts["new" if status == S.NEW else "working"] += n
            counts["overdue"] += n if overdue else 0
        else:
            counts["awaiting"] += n
    return counts


@dataclass(frozen=True)
class Remaining:
    """Working days left before a deadline (negative: working days overdue)."""

    days: int
    overdue: bool

    @property
    def label(self) -> str:
        if self.overdue:
            return f"已超期 {self.days} 个工作日" if self.days else "已超期"
        return f"剩 {self.days} 个工作日" if self.days else "今日到期"


class WorkdayCounter:
    """Counts working days with one load of the holiday table, for a whole page of rows."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or timezone.now()
        # Showing days left may use this process's copy checked a few seconds ago.
        self.table = table(fresh=False)
        self.today = timezone.localtime(self.now).date()

    def remaining(self, due: dt.datetime) -> Remaining:
        day = timezone.localtime(due).date()
        overdue = due < self.now
        first, last = (day, self.today) if overdue else (self.today, day)
        return Remaining(days=self.table.workdays_after(first, last), overdue=overdue)


# --- supervision ---------------------------------------------------------------------------------


def supervision_items(user: Any, *, show: str = "all") -> QuerySet[Item]:
    """Supervised or overdue items that are not finished, with their supervisions and live units."""
    qs = perms.items_visible_to(user).exclude(status__in=(Item.Status.CLOSED, Item.Status.DECLINED))
    if show == "supervised":
        qs = qs.filter(is_supervised=True)
    elif show == "overdue":
        qs = qs.filter(is_overdue=True)
    else:
        qs = qs.filter(Q(is_supervised=True) | Q(is_overdue=True))
    return (
        qs.select_related("area")
        .prefetch_related(
            Prefetch(
                "supervisions",
                queryset=Supervision.objects.select_related("leader", "created_by").order_by("-created_at", "-id"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status__in=LIVE_STATES).select_related("unit"),
                to_attr="live_assignments",
            ),
        )
        .order_by("-is_overdue", "due_at", "id")
    )


# --- one item --------------------------------------------------------------------------------


@dataclass
class AssignmentActions:
    """What the current user may do on one assignment (the page shows only these)."""

    sign: bool = False
    contact: bool = False
    request_return: bool = False
    request_extension: bool = False
    co_opinion: bool = False
    reply: bool = False
    escalate: bool = False
    reassign: bool = False

    def any(self) -> bool:
        return any(vars(self).values())


@dataclass
class ItemPage:
    item: Item
    assignments: list[Assignment]
    history: list[Any]
    actions: dict[int, AssignmentActions]
    pending_requests: list[Request]
    pending_replies: list[Reply]
    supervisions: list[Supervision]
    source: list[tuple[str, str]] = field(default_factory=list)
    # co-units' opinions on assignments the user does not see itself (the lead unit's inbox)
    received_opinions: list[CoOpinion] = field(default_factory=list)
    can_reveal: bool = False
    can_assign: bool = False
    can_decline: bool = False
    can_supervise: bool = False
    can_decide: bool = False
    can_review: bool = False
    reply_categories: list[tuple[str, str]] = field(default_factory=list)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def has_unit_actions(self) -> bool:
        return any(a.any() for a in self.actions.values())


def item_page(user: Any, item_id: int, *, revealed: bool = False) -> ItemPage:
    """Everything the item page shows, scoped to the user (404 outside it).

    What the user may read on the item comes from ``permissions`` (the same functions the API
    uses): a unit gets its own assignments with what hangs on them, and, when it leads a joint
    item, the co-units' opinions addressed to it; the template prints only what is handed here.
    """
    item = perms.get_item_for(user, item_id)
    item = Item.objects.select_related("area", "area__parent", "committee", "created_by").get(pk=item.pk)
    assignments = list(
        with_effective_due(perms.visible_assignments(user, item))
        .select_related("unit", "assigned_by")
        .prefetch_related(
            Prefetch("replies", queryset=Reply.objects.select_related("created_by", "reviewed_by")),
            Prefetch("contacts", queryset=Contact.objects.select_related("created_by")),
            Prefetch("ratings", queryset=Rating.objects.order_by("round", "id")),
            Prefetch(
                "requests",
                queryset=Request.objects.select_related("suggested_unit", "created_by", "decided_by"),
            ),
        )
        .order_by("role", "id")
    )
    opinions = list(perms.visible_opinions(user, item).select_related("assignment__unit", "created_by"))
    shown = {a.pk for a in assignments}
    for a in assignments:
        a.shown_opinions = [op for op in opinions if op.assignment_id == a.pk]
    now = timezone.now()
    dispatcher = perms.can_dispatch(user, item)
    # ``revealed``: the unit has just asked for the full number (``services.contact_reveal``, audited).
    can_reveal = not perms.may_see_contact(user, item) and perms.may_reveal_contact(user, item)
    reveal = perms.may_see_contact(user, item) or (revealed and can_reveal)
    actions = {a.pk: _assignment_actions(user, item, a, now) for a in assignments}
    spec = _channel(item.channel)
    source: list[tuple[str, str]] = []
    if spec is not None and spec.source_details is not None:
        source = spec.source_details([item], reveal).get(item.pk, [])
    pending_reqs = [r for a in assignments for r in a.requests.all() if r.status == Request.Status.PENDING]
    pending_replies = [
        r for a in assignments for r in a.replies.all() if r.review == Reply.Review.PENDING and a.status == S.REPLIED
    ]
    if spec is not None and spec.adoptable is not None and spec.adopted is not None and pending_replies:
        # The reviewer sees each of the item's suggestions and whether the reply ticked it as adopted.
        offered = spec.adoptable(item)
        picked = spec.adopted([r.pk for r in pending_replies])
        for r in pending_replies:
            ticks = picked.get(r.pk, set())
            r.adopted_review = [(label, pk in ticks) for pk, label in offered]
    open_item = item.status not in (Item.Status.CLOSED, Item.Status.DECLINED)
    item_moves = item_actions(item)
    return ItemPage(
        item=item,
        assignments=assignments,
        history=perms.visible_history(user, item),
        received_opinions=[op for op in opinions if op.assignment_id not in shown],
        actions=actions,
        pending_requests=pending_reqs,
        pending_replies=pending_replies,
        supervisions=list(item.supervisions.select_related("leader", "created_by")),
        source=source,
        can_reveal=can_reveal and not reveal and bool(source),
        can_assign=dispatcher and "assign" in item_moves,
        can_decline=dispatcher and "decline" in item_moves and not assignments,
        can_supervise=open_item and "supervise" in item_moves and perms.can_supervise(user, item),
        can_decide=dispatcher and bool(pending_reqs),
        can_review=dispatcher and bool(pending_replies),
        reply_categories=list(spec.reply_categories) if spec else [],
        now=now,
    )


def _channel(key: str) -> registry.Channel | None:
    try:
        return registry.get(key)
    except LookupError:
        return None


def _assignment_actions(user: Any, item: Item, a: Assignment, now: dt.datetime) -> AssignmentActions:
    """Who may act (permissions) times what the state allows (the transition table, ``transitions``)."""
    mine = perms.can_act_for_unit(user, a)
    dispatcher = perms.can_dispatch(user, item)
    has_pending_ext = any(
        r.kind == Request.Kind.EXTENSION and r.status == Request.Status.PENDING for r in a.requests.all()
    )
    lead = a.role == Assignment.Role.LEAD
    allowed = allowed_actions(a)
    return AssignmentActions(
        sign=mine and "sign" in allowed,
        contact=mine and "contact" in allowed,
        request_return=mine and "request_return" in allowed and now <= a.objection_until,
        request_extension=mine and lead and "request_extension" in allowed and not has_pending_ext,
        co_opinion=mine and "co_opinion" in allowed,
        reply=mine and "reply" in allowed,
        escalate=(mine or dispatcher) and "escalate" in allowed,
        reassign=dispatcher and "reassign" in allowed and a.status in OPEN_STATES,
    )


def source_details_for(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    """Who raised each item, grouped by channel: one query per channel on the page."""
    out: dict[int, list[tuple[str, str]]] = {}
    by_channel: dict[str, list[Item]] = {}
    for item in items:
        by_channel.setdefault(item.channel, []).append(item)
    for key, group in by_channel.items():
        spec = _channel(key)
        if spec is not None and spec.source_details is not None:
            out.update(spec.source_details(group, reveal))
    return out
