"""The outreach channels into the loop: station visits, enterprise appeals and supervision problems.

Each registers its deadlines, reply categories and raters with the loop engine; ``on_event`` records
a department's reply on the station visit, so the host can tell the visitor.
"""

from __future__ import annotations

from xieshang.handling import registry
from xieshang.handling.models import Item
from xieshang.workdays.calendar import Unit as TimeUnit

STATION = "station"
ENTERPRISE = "enterprise"
SUPERVISION = "supervision"

REPLY_CATEGORIES = [
    ("solved", "已解决"),
    ("explained", "已解释说明"),
    ("planned", "已列入计划解决"),
    ("unable", "因条件限制暂不能解决"),
]

# The visitor and the enterprise rate without an account: the station host or the linked member
# records their rating (the outreach services check who may), as a citizen's rating.
VISITOR = registry.Rater(key="citizen", label="来访群众")
ENTERPRISE_RATER = registry.Rater(key="citizen", label="诉求企业")


def _visit_event(item: Item, event: str) -> None:
    from . import services

    services.visit_loop_event(item, event)


def _supervision_raters(item: Item) -> list[registry.Rater]:
    from .models import Problem

    problem = Problem.objects.select_related("group__leader__user").filter(pk=item.source_id).first()
    if problem is None:
        return []
    leader = problem.group.leader
    if leader.user is None:
        # a leader without an account rates through the office, which records it (recorded_by)
        return [registry.Rater(key=f"member:{leader.pk}", label="督导组组长")]
    return [registry.Rater(key=f"user:{leader.user.pk}", label="督导组组长", user=leader.user)]


def _sources(kind: str):
    def details(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
        from . import selectors  # the selectors import the models, which load after this module

        return getattr(selectors, kind)(items, reveal)

    return details


def _source_url(item: Item) -> str:
    from .models import Appeal, Problem, Visit

    if item.channel == STATION:
        visit = Visit.objects.filter(item=item).only("pk").first()
        return f"/outreach/visits/{visit.pk}/" if visit else ""
    if item.channel == ENTERPRISE:
        appeal = Appeal.objects.filter(item=item).only("pk").first()
        return f"/outreach/appeals/{appeal.pk}/" if appeal else ""
    problem = Problem.objects.filter(item=item).only("group_id").first()
    return f"/outreach/groups/{problem.group_id}/" if problem else ""


registry.register(
    registry.Channel(
        key=STATION,
        label="联系站来访",
        rules={
            "": registry.RuleDefaults(
                name="联系站来访转办",
                reply=(15, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=15,
                extension_max=(30, TimeUnit.WORKDAY),
            )
        },
        reply_categories=REPLY_CATEGORIES,
        raters=lambda item: [VISITOR],
        source_url=_source_url,
        source_details=_sources("visit_sources"),
        on_event=_visit_event,
    )
)

registry.register(
    registry.Channel(
        key=ENTERPRISE,
        label="企业诉求",
        rules={
            "": registry.RuleDefaults(
                name="企业诉求",
                reply=(20, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=15,
                extension_max=(40, TimeUnit.WORKDAY),
            )
        },
        reply_categories=REPLY_CATEGORIES,
        raters=lambda item: [ENTERPRISE_RATER],
        source_url=_source_url,
        source_details=_sources("appeal_sources"),
    )
)

registry.register(
    registry.Channel(
        key=SUPERVISION,
        label="督导问题",
        rules={
            "": registry.RuleDefaults(
                name="督导组反映问题",
                reply=(10, TimeUnit.WORKDAY),
                review_required=False,
                rating_days=10,
                extension_max=(20, TimeUnit.WORKDAY),
            )
        },
        reply_categories=REPLY_CATEGORIES,
        raters=_supervision_raters,
        source_url=_source_url,
        source_details=_sources("problem_sources"),
    )
)
