"""The loop's transition tables: one per stateful model, declared once.

Services move a record only through these tables (``MACHINE.move``/``check`` inside their row lock);
the item page asks them which buttons to show (``allowed_actions``); the API answers a move that is
not allowed with 409 and the allowed states (``core.api``). ``docs/engine-notes.md`` prints them.

An item's state follows its lead assignments (``services._common.refresh_item``): the moves
``handle``, ``await_rating``, ``close`` and ``requeue`` are taken by the engine, never by a person.
"""

from __future__ import annotations

from typing import Any

from xieshang.core.transitions import Machine, Transition

from .models import LIVE_STATES, Assignment, Item, Reply, Request

I = Item.Status  # noqa: E741 - read as "item state"
S = Assignment.Status
R = Request.Status
V = Reply.Review

_LIVE_ITEM = (I.PENDING, I.HANDLING, I.REPLIED)
# assignments a unit gave back to the office; the office may pass them on to another unit
HANDED_BACK = (S.RETURNED, S.ESCALATED)
# a unit is still at work on these
OPEN = (S.NEW, S.SIGNED, S.RETURN_REQUESTED)

ITEM = Machine(
    name="该事项",
    transitions={
        "assign": Transition.of([I.PENDING], I.HANDLING, "再次交办"),
        "decline": Transition.of([I.PENDING], I.DECLINED, "作不予受理处理"),
        "supervise": Transition.of(_LIVE_ITEM, None, "督办"),
        "import_history": Transition.of([I.PENDING], None, "导入办理记录"),
        # derived from the lead assignments by the engine
        "handle": Transition.of(_LIVE_ITEM, I.HANDLING, "转为办理中"),
        "await_rating": Transition.of([I.HANDLING, I.REPLIED], I.REPLIED, "转为待评价"),
        "close": Transition.of([I.HANDLING, I.REPLIED], I.CLOSED, "办结"),
        "requeue": Transition.of([I.HANDLING, I.REPLIED], I.PENDING, "退回待交办"),
    },
)

# the engine's move into each derived item state
ITEM_DERIVED = {I.HANDLING: "handle", I.REPLIED: "await_rating", I.CLOSED: "close", I.PENDING: "requeue"}

ASSIGNMENT = Machine(
    name="该交办记录",
    transitions={
        # the unit
        "sign": Transition.of([S.NEW], S.SIGNED, "签收"),
        "request_return": Transition.of([S.NEW, S.SIGNED], S.RETURN_REQUESTED, "申请退回"),
        "request_extension": Transition.of([S.NEW, S.SIGNED], None, "申请延期"),
        "contact": Transition.of([S.SIGNED], None, "记录沟通"),
        "co_opinion": Transition.of([S.SIGNED], S.OPINION_SENT, "提交会办意见"),
        "reply": Transition.of([S.SIGNED], S.REPLIED, "答复"),
        "reply_unreviewed": Transition.of([S.SIGNED], S.AWAITING_RATING, "答复"),
        "escalate": Transition.of([S.NEW, S.SIGNED], S.ESCALATED, "上报"),
        # the office
        "reassign": Transition.of([*OPEN, *HANDED_BACK], None, "改派"),
        "return_approve": Transition.of([S.RETURN_REQUESTED], S.RETURNED, "同意退回"),
        "return_refuse": Transition.of([S.RETURN_REQUESTED], S.SIGNED, "不同意退回"),
        "return_refuse_unsigned": Transition.of([S.RETURN_REQUESTED], S.NEW, "不同意退回"),
        "extension_decide": Transition.of(OPEN, None, "审批延期"),
        "review_pass": Transition.of([S.REPLIED], S.AWAITING_RATING, "审核通过"),
        "review_reject": Transition.of([S.REPLIED], S.SIGNED, "驳回重办"),
        # the raters
        "rate": Transition.of([S.AWAITING_RATING], None, "评价"),
        "close": Transition.of([S.AWAITING_RATING], S.CLOSED, "办结"),
        "rehandle": Transition.of([S.AWAITING_RATING], S.SIGNED, "重办"),
        # the engine
        "withdraw": Transition.of([*OPEN, S.OPINION_SENT], S.WITHDRAWN, "撤回"),
        "requeue_co": Transition.of(LIVE_STATES, S.WITHDRAWN, "撤回"),
        "close_co": Transition.of([*OPEN, S.OPINION_SENT, S.REPLIED, S.AWAITING_RATING], S.CLOSED, "办结"),
        "close_unrated": Transition.of([S.AWAITING_RATING], S.CLOSED, "按未评价办结"),
        "mark_overdue": Transition.of(OPEN, None, "标记超期"),
        "recount": Transition.of(S.values, None, "重算期限"),  # records dated in the past, in any state
        "recompute": Transition.of([*OPEN, S.REPLIED], None, "重算期限"),
    },
)

REQUEST = Machine(
    name="该申请",
    transitions={
        "approve": Transition.of([R.PENDING], R.APPROVED, "同意"),
        "refuse": Transition.of([R.PENDING], R.REFUSED, "不同意"),
        "withdraw": Transition.of([R.PENDING], R.WITHDRAWN, "撤回"),
    },
)

REVIEW = Machine(
    name="该答复",
    field="review",
    transitions={
        "pass": Transition.of([V.PENDING], V.PASSED, "审核通过"),
        "reject": Transition.of([V.PENDING], V.REJECTED, "驳回"),
        "supersede": Transition.of([V.PENDING, V.PASSED], V.SUPERSEDED, "重办"),
    },
)

# The moves a person starts from the item page, with who may start them.
UNIT_ACTIONS = ("sign", "request_return", "request_extension", "contact", "co_opinion", "reply", "escalate")
OFFICE_ACTIONS = ("reassign", "escalate")


def allowed_actions(a: Assignment) -> frozenset[str]:
    """The moves the assignment's state allows now (the page still checks who may make them).

    ``reply`` means either reply move; ``co_opinion`` and ``reply`` follow the assignment's role.
    """
    names = set(ASSIGNMENT.available(a))
    if "reply_unreviewed" in names:
        names.add("reply")
    if a.role == Assignment.Role.CO:
        names.discard("reply")
    else:
        names.discard("co_opinion")
    return frozenset(names)


def item_actions(item: Item) -> frozenset[str]:
    """The office's moves the item's state allows now (交办, 不予受理, 督办)."""
    return frozenset(n for n in ("assign", "decline", "supervise") if ITEM.can(item, n))


def targets_of(machine: Machine) -> dict[str, Any]:
    """State → reachable states, for the documentation."""
    return {k: sorted(v) for k, v in sorted(machine.targets().items())}
