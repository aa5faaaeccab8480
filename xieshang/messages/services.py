"""Citizens submit messages, follow them with a tracking code and rate the reply."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import writes
from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating
from xieshang.organisations.models import Committee

from .channel import CHANNEL
from .models import Message

MAX_TEXT = getattr(settings, "XIESHANG_MESSAGE_MAX_CHARS", 2000)
TRACKING_VALID_DAYS = getattr(settings, "XIESHANG_TRACKING_VALID_DAYS", 180)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


def new_tracking_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


def message_submit(
    *,
    committee: Committee,
    submission_token: uuid.UUID | str,
    kind: str,
    title: str,
    text: str,
    name: str,
    phone: str,
    area: Area | None = None,
    publish_consent: bool = False,
) -> tuple[Message, bool]:
    """A citizen's message, accepted into the loop at once.

    Returns the message and whether it was created now: a repeated submit with the same token (a
    double click, a resend after a network error) returns the first message and creates nothing.
    """
    try:
        token = uuid.UUID(str(submission_token))
    except ValueError:
        raise ServiceError("提交已失效，请刷新页面后重新提交。") from None
    existing = Message.objects.filter(submission_token=token).first()
    if existing:
        return existing, False
    if kind not in Message.Kind.values:
        raise ServiceError("请选择留言类型。")
    # the one policy: characters nobody can see (pasted from another system) are removed, not refused
    title = clean_text(title, field="标题", limit=100, min_len=4, single_line=True)
    text = clean_text(text, field="留言内容", limit=MAX_TEXT, min_len=10)
    name = clean_text(name, field="姓名或称呼", limit=50, single_line=True)
    phone = re.sub(r"\s", "", str(phone or ""))
    if not PHONE_RE.fullmatch(phone):
        raise ServiceError("请填写正确的手机号码或固定电话（如 13800138000 或 0757-83000000）。")
    if area is not None and area.level > Area.Level.GRID:
        raise ServiceError("所属区域无效。")
    try:
        with transaction.atomic():
            for _ in range(5):
                code = new_tracking_code()
                if not Message.objects.filter(tracking_code=code).exists():
                    break
            msg = Message.objects.create(
                committee=committee,
                submission_token=token,
                kind=kind,
                title=title,
                text=text,
                name=name,
                phone=phone,
                area=area,
                tracking_code=code,
                publish_consent=publish_consent,
            )
            item = loop.item_accept(
                committee=committee,
                channel=CHANNEL,
                kind=kind,
                title=title,
                text=text,
                area=area,
                source=msg,
                is_urgent=kind == Message.Kind.URGENT,
                actor_label=f"群众 {mask_name(name)}",
            )
            msg.item = item
            writes.save(msg, "item")
    except IntegrityError:
        existing = Message.objects.filter(submission_token=token).first()
        if existing:
            return existing, False
        raise
    return msg, True


def message_for_tracking(*, code: str, phone: str, now: dt.datetime | None = None) -> Message:
    """The message behind a tracking code, if the phone number matches and the code has not expired."""
    code = (code or "").strip().upper()
    phone = re.sub(r"\s", "", phone or "")
    if not code or not phone:
        raise ServiceError("请输入查询码和留言时填写的电话号码。")
    msg = Message.objects.select_related("item").filter(tracking_code=code).first()
    if msg is None or not secrets.compare_digest(msg.phone, phone):
        raise NotFoundError("查询码或电话号码不正确，请核对后重试。")
    now = now or timezone.now()
    item = msg.item
    if item is not None and item.closed_at and now > item.closed_at + dt.timedelta(days=TRACKING_VALID_DAYS):
        raise ServiceError(f"该查询码已过期（办结满 {TRACKING_VALID_DAYS} 天）。如需帮助请拨打政协办公室电话。")
    return msg


def message_rate(*, code: str, phone: str, assignment_id: int, value: str, comment: str = "") -> Rating:
    """The citizen rates a reply from the tracking page."""
    msg = message_for_tracking(code=code, phone=phone)
    if msg.item is None or not Assignment.objects.filter(pk=assignment_id, item=msg.item).exists():
        raise NotFoundError("未找到该答复。")
    return loop.assignment_rate(
        assignment_id=assignment_id,
        rater_key="citizen",
        value=value,
        comment=comment,
        actor=None,
        actor_label=f"群众 {mask_name(msg.name)}",
    )


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def public_status(item: Item | None) -> str:
    if item is None:
        return "已受理"
    return {
        Item.Status.PENDING: "已受理，正在分派",
        Item.Status.HANDLING: "办理中",
        Item.Status.REPLIED: "已答复，请评价",
        Item.Status.CLOSED: "已办结",
        Item.Status.DECLINED: "不予受理",
    }.get(item.status, item.get_status_display())


def actor_is_anonymous(actor: Any) -> bool:
    return not getattr(actor, "is_authenticated", False)
