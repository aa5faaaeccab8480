"""Reads of citizens' messages for staff pages and the public portal."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from xieshang.areas.models import Area
from xieshang.handling.models import Assignment, Item, Rating, Reply
from xieshang.organisations.models import Committee

from .channel import REPLY_CATEGORIES
from .models import Message
from .services import mask_phone, public_status


def public_committee() -> Committee | None:
    """The committee whose public site this is: ``XIESHANG_PORTAL_COMMITTEE`` (id) or the first district one."""
    pk = getattr(settings, "XIESHANG_PORTAL_COMMITTEE", None)
    qs = Committee.objects.all()
    if pk:
        return qs.filter(pk=pk).first()
    return qs.filter(level=Committee.Level.DISTRICT).order_by("id").first() or qs.order_by("id").first()


def streets() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.STREET).order_by("code")


def communities(street_id: int | None) -> QuerySet[Area]:
    qs = Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")
    return qs.filter(parent_id=street_id) if street_id else qs.none()


def source_details(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    """The citizen behind each message item; the full phone number only for the dispatcher."""
    rows = Message.objects.filter(item_id__in=[i.pk for i in items]).only(
        "item_id", "name", "phone", "kind", "tracking_code", "publish_consent"
    )
    out: dict[int, list[tuple[str, str]]] = {}
    for m in rows:
        out[m.item_id] = [
            ("留言人", m.name),
            ("联系电话", m.phone if reveal else mask_phone(m.phone)),
            ("留言类型", KIND_LABELS.get(m.kind, m.kind)),
            ("同意公开", "同意" if m.publish_consent else "不同意"),
        ]
    return out


KIND_LABELS = {"consult": "咨询", "complaint": "投诉", "suggestion": "建议", "urgent": "紧急求助"}
STEPS = ["受理", "交办", "办理", "答复", "评价", "办结"]


@dataclass
class TrackingView:
    """What a citizen sees on the tracking page."""

    message: Message
    status: str
    step: int  # index in STEPS of the step in progress; len(STEPS) when everything is done
    replies: list[Reply] = field(default_factory=list)
    to_rate: list[Assignment] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    declined: bool = False

    @property
    def steps(self) -> list[tuple[str, str]]:
        """(name, state) with state ``done``, ``current`` or ``todo``."""
        out = []
        for i, name in enumerate(STEPS):
            if self.declined:
                state = "done" if i == 0 else "todo"
            elif i < self.step:
                state = "done"
            elif i == self.step:
                state = "current"
            else:
                state = "todo"
            out.append((name, state))
        return out


def tracking_view(message: Message) -> TrackingView:
    """Progress of a message through the loop, the replies that passed review and what may be rated."""
    item = message.item
    view = TrackingView(message=message, status=public_status(item), step=1)
    if item is None:
        return view
    if item.status == Item.Status.DECLINED:
        view.declined = True
        return view
    leads = list(
        Assignment.objects.filter(item=item, role=Assignment.Role.LEAD)
        .exclude(status__in=(Assignment.Status.WITHDRAWN, Assignment.Status.RETURNED, Assignment.Status.ESCALATED))
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(review=Reply.Review.PASSED).order_by("-round", "-id"),
                to_attr="public_replies",
            ),
            Prefetch("ratings", queryset=Rating.objects.order_by("round", "id"), to_attr="all_ratings"),
        )
        .order_by("id")
    )
    for a in leads:
        for r in a.public_replies:
            r.unit_name, r.category_name = a.unit.name, category_label(r.category)
    view.replies = [r for a in leads for r in a.public_replies]
    view.ratings = [r for a in leads for r in a.all_ratings]
    view.to_rate = [
        a
        for a in leads
        if a.status == Assignment.Status.AWAITING_RATING
        and not any(r.round == a.round and r.rater_key == "citizen" for r in a.all_ratings)
    ]
    if item.status == Item.Status.CLOSED:
        view.step = len(STEPS)
    elif item.status == Item.Status.REPLIED or view.to_rate:
        view.step = 4
    elif leads:
        view.step = 2
    else:
        view.step = 1
    return view


def category_label(key: str) -> str:
    return dict(REPLY_CATEGORIES).get(key, key)
