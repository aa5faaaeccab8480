"""The opinion-report channel of the loop: a released report sent to a department (转办).

The author rates the department's reply; the author is told when a reply arrives.
"""

from __future__ import annotations

from django.db import transaction

from xieshang.core.notify import notify
from xieshang.handling import registry
from xieshang.handling.models import Item
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "opinion"

REPLY_CATEGORIES = [
    ("adopted", "已采纳并落实"),
    ("planned", "已列入工作计划"),
    ("explained", "已解释说明"),
    ("unable", "因条件限制暂不能解决"),
]


def _report(item: Item):
    from .models import OpinionReport

    if item.source_type != "opinions.opinionreport":
        return None
    return OpinionReport.objects.select_related("member__user", "submitted_by").filter(pk=item.source_id).first()


def _author_user(report):
    if report.member_id and report.member.user_id:
        return report.member.user
    return report.submitted_by


def _raters(item: Item) -> list[registry.Rater]:
    report = _report(item)
    if report is None:
        return []
    user = _author_user(report)
    return [registry.Rater(key=f"user:{user.pk}", label=report.author_label, user=user)]


def _on_event(item: Item, event: str) -> None:
    if event not in ("replied", "closed"):
        return
    report = _report(item)
    if report is None:
        return
    title = {"replied": "承办单位已答复您的社情民意信息", "closed": "您的社情民意信息转办已办结"}[event]
    transaction.on_commit(
        lambda: notify(
            [_author_user(report)],
            title=f"{title}：{report.title}",
            url=f"/opinions/reports/{report.pk}/",
            dedupe_key=f"opinion:{report.pk}:{event}:{item.version}",
        )
    )


registry.register(
    registry.Channel(
        key=CHANNEL,
        label="社情民意转办",
        rules={
            "": registry.RuleDefaults(
                name="社情民意信息转办",
                reply=(30, TimeUnit.WORKDAY),
                extension_max=(60, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=15,
            )
        },
        reply_categories=REPLY_CATEGORIES,
        raters=_raters,
        source_url=lambda item: f"/opinions/reports/{item.source_id}/",
        dispatcher_offices=("information",),
        on_event=_on_event,
    )
)
