"""The citizen-message channel's deadlines (12345 style), reply categories and raters."""

from __future__ import annotations

import hashlib

from xieshang.handling import registry
from xieshang.handling.models import Item
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "message"

REPLY_CATEGORIES = [
    ("solved", "已解决"),
    ("explained", "已解释说明"),
    ("planned", "已列入计划解决"),
    ("unable", "因条件限制暂不能解决"),
]


def _raters(item: Item) -> list[registry.Rater]:
    return [registry.Rater(key="citizen", label="留言群众")]


def _source_details(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    from .selectors import source_details  # the selectors import this module

    return source_details(items, reveal)


def _authors(source_ids: list[int]) -> dict[int, str]:
    """A message's author is the phone it was left with, hashed: the index files keep no numbers."""
    from .models import Message

    out = {}
    for pk, phone in Message.objects.filter(pk__in=source_ids).values_list("pk", "phone"):
        digits = "".join(ch for ch in phone or "" if ch.isdigit())
        if digits:
            out[pk] = "tel:" + hashlib.sha256(digits.encode()).hexdigest()[:16]
    return out


registry.register(
    registry.Channel(
        key=CHANNEL,
        label="群众留言",
        kinds={"consult": "咨询", "complaint": "投诉", "suggestion": "建议", "urgent": "紧急"},
        rules={
            "": registry.RuleDefaults(
                name="群众留言（建议）",
                reply=(13, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=7,
                extension_max=(30, TimeUnit.WORKDAY),
            ),
            "consult": registry.RuleDefaults(
                name="群众留言（咨询）",
                reply=(3, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=7,
                extension_max=(10, TimeUnit.WORKDAY),
            ),
            "complaint": registry.RuleDefaults(
                name="群众留言（投诉）",
                reply=(13, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=7,
                extension_max=(30, TimeUnit.WORKDAY),
            ),
            "urgent": registry.RuleDefaults(
                name="群众留言（紧急）",
                reply=(2, TimeUnit.HOUR),
                sign=(1, TimeUnit.HOUR),
                objection=(1, TimeUnit.HOUR),
                review_required=False,
                rating_days=7,
                auto_escalate=True,
            ),
        },
        reply_categories=REPLY_CATEGORIES,
        raters=_raters,
        source_url=lambda item: "",
        source_details=_source_details,
        authors=_authors,
        bursty=True,
    )
)
