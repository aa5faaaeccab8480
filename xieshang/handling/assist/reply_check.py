"""The reply check (答复检查): flags of a draft reply against the item."""

from __future__ import annotations

import logging

from xieshang.insight.selectors import ReplyFlag, check_reply

from ..models import Item
from ._base import TEXT_CHARS

log = logging.getLogger("xieshang.handling.assist")

# --- reply check ------------------------------------------------------------------------------------


def reply_flags(item: Item, body: str) -> list[ReplyFlag]:
    """Flags of a draft reply against the item's title and text (empty when nothing to flag or on failure)."""
    if not (body or "").strip():
        return []
    try:
        return check_reply(f"{item.title}\n{item.text}"[: TEXT_CHARS * 2], body[:20000])
    except Exception:
        log.exception("assist: reply check failed")
        return []
