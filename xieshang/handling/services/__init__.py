"""Every change in the loop is one service here, by stage.

Each service locks the item row (``core.writes.lock``), checks the actor's permission
(``handling.permissions``) and that the move is in the model's transition table
(``handling.transitions``), saves with ``update_fields`` and a new version, writes an audit row
(who, when, from, to, why) and queues side effects (notifications, channel hooks) with
``transaction.on_commit``. Two people acting at once: the second waits for the lock, then finds
the state changed and gets a :class:`ConflictError` with a clear message; nothing is half-done.
Every transition accepts ``expected_version`` (the version the caller read).

* ``intake``: 受理, 不予受理, 交办 (settling the routing suggestion), 改派
* ``unit_work``: 签收, 申退, 延期申请, 办理沟通, 会办意见, 答复
* ``office``: 审批 returns and extensions, 审核答复, 督办, 上报
* ``rating``: 评价 and 重办
* ``deadlines``: the periodic scan, recounting and recomputing deadlines
* ``history``: importing a past history through the same moves
* ``_common``: locks, audit rows, notices and events after the commit, the item's derived state
"""

from __future__ import annotations

from xieshang.core.notify import notify

from ..models import LIVE_STATES
from ..transitions import HANDED_BACK
from ._common import MAX_NOTE, MAX_TEXT, MAX_TITLE, lock_assignment, lock_item, rule_for
from .deadlines import recompute_open_deadlines, recount_deadlines, scan_deadlines
from .history import PastRating, PastReply, item_import_history
from .intake import assignment_reassign, item_accept, item_assign, item_decline
from .office import assignment_escalate, item_supervise, reply_review, request_decide
from .rating import assignment_rate, raters_for, rehandle
from .unit_work import (
    assignment_record_contact,
    assignment_reply,
    assignment_request_extension,
    assignment_request_return,
    assignment_sign,
    co_opinion_send,
    contact_reveal,
)

__all__ = [
    "HANDED_BACK",
    "LIVE_STATES",
    "MAX_NOTE",
    "MAX_TEXT",
    "MAX_TITLE",
    "PastRating",
    "PastReply",
    "assignment_escalate",
    "assignment_rate",
    "assignment_reassign",
    "assignment_record_contact",
    "assignment_reply",
    "assignment_request_extension",
    "assignment_request_return",
    "assignment_sign",
    "co_opinion_send",
    "contact_reveal",
    "item_accept",
    "item_assign",
    "item_decline",
    "item_import_history",
    "item_supervise",
    "lock_assignment",
    "lock_item",
    "notify",
    "raters_for",
    "recompute_open_deadlines",
    "recount_deadlines",
    "rehandle",
    "reply_review",
    "request_decide",
    "rule_for",
    "scan_deadlines",
]
