"""Every change to a proposal is one service, grouped by stage:

- ``drafting``: draft, co-signers and co-signing, attachments, submit;
- ``review``: 立案 (case numbers), 不予立案, 退回修改, 转意见建议, 转社情民意 with consent;
- ``merging``: 并案 and 解除并案;
- ``loop``: 交办, 改派 and 评价 through the loop engine, the engine's events, key proposals and
  supervision;
- ``disclosure``: publishing replies with contact details masked, and withdrawing them;
- ``honours``: the suggestions a unit's reply adopts, and excellent proposals (优秀提案).

Each service locks the proposal row (``core.writes.lock``), checks the actor's permission
(``permissions.py``) and the move in the transition table (``transitions.PROPOSAL``), saves with
``update_fields`` and a version bump (``core.writes.save``), writes an audit row (thread
``proposal:<id>``) and queues notifications with ``transaction.on_commit``. Handling after filing is
the loop engine's (``xieshang.handling.services``); the proposal reads its handling state from the
item. Everything is re-exported here: callers import ``xieshang.proposals.services``.
"""

from __future__ import annotations

from .common import (
    MAX_NOTE,
    MAX_SECTION,
    MAX_TITLE,
    current_term,
    group_members,
    search_text_for,
    session_for,
)
from .disclosure import reply_publish, reply_unpublish
from .drafting import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    ATTACHMENT_TYPES,
    DRAFT_FIELDS,
    attachment_add,
    attachment_remove,
    cosign_status_message,
    count_suggestions,
    pending_cosigners,
    proposal_cosign,
    proposal_save_draft,
    proposal_set_cosigners,
    proposal_submit,
    set_suggestions,
    split_suggestions,
)
from .honours import proposal_mark_excellent, proposal_unmark_excellent, suggestions_adopt
from .loop import (
    key_activity_record,
    key_proposal_set,
    on_item_event,
    proposal_assign,
    proposal_rate,
    proposal_reassign,
    raters_for_item,
)
from .merging import proposal_merge, proposal_unmerge
from .review import (
    _opinion_hooks,
    number_label,
    proposal_file,
    proposal_not_file,
    proposal_opinion_consent,
    proposal_propose_opinion,
    proposal_return,
    proposal_to_suggestion,
    register_opinion_conversion,
)

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_MAX_COUNT",
    "ATTACHMENT_TYPES",
    "DRAFT_FIELDS",
    "MAX_NOTE",
    "MAX_SECTION",
    "MAX_TITLE",
    "_opinion_hooks",
    "attachment_add",
    "attachment_remove",
    "cosign_status_message",
    "count_suggestions",
    "current_term",
    "group_members",
    "key_activity_record",
    "key_proposal_set",
    "number_label",
    "on_item_event",
    "pending_cosigners",
    "proposal_assign",
    "proposal_cosign",
    "proposal_file",
    "proposal_mark_excellent",
    "proposal_merge",
    "proposal_not_file",
    "proposal_opinion_consent",
    "proposal_propose_opinion",
    "proposal_rate",
    "proposal_reassign",
    "proposal_return",
    "proposal_save_draft",
    "proposal_set_cosigners",
    "proposal_submit",
    "proposal_to_suggestion",
    "proposal_unmark_excellent",
    "proposal_unmerge",
    "raters_for_item",
    "register_opinion_conversion",
    "reply_publish",
    "reply_unpublish",
    "search_text_for",
    "session_for",
    "set_suggestions",
    "split_suggestions",
    "suggestions_adopt",
]
