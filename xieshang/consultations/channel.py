"""The consultation-suggestion channel (协商建议) of the loop.

Who rates: the suggestions come from a meeting, not from one person, so the committee office
records the 回头看 (follow-up review) rating of each reply — one rater, ``followup``, entered by
office staff (the engine records the office user as ``recorded_by``). 不满意 sends the measure
back to the unit for re-handling and the reply stops counting as a measure.
"""

from __future__ import annotations

from xieshang.handling import registry
from xieshang.handling.models import Item
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "suggestion"
FOLLOW_UP_RATER = "followup"

REPLY_CATEGORIES = [
    ("adopted", "已采纳，转化为工作举措"),
    ("planned", "已列入工作计划"),
    ("explained", "已解释说明"),
    ("unable", "因条件限制暂不能采纳"),
]


def _raters(item: Item) -> list[registry.Rater]:
    return [registry.Rater(key=FOLLOW_UP_RATER, label="回头看评议（政协机关录入）")]


registry.register(
    registry.Channel(
        key=CHANNEL,
        label="协商建议",
        rules={
            "": registry.RuleDefaults(
                name="协商建议办理",
                reply=(2, TimeUnit.MONTH),
                extension_max=(3, TimeUnit.MONTH),
                review_required=False,
                rating_days=90,
            )
        },
        reply_categories=REPLY_CATEGORIES,
        raters=_raters,
        source_url=lambda item: f"/consultations/suggestions/{item.source_id}/",
    )
)
