"""The transition table of ``Proposal.status``, declared once.

Services move a proposal only through :data:`PROPOSAL` (``move`` inside the row lock, ``check`` for
an action that keeps the state); the proposal page shows a button only when ``PROPOSAL.available``
lists its move; the API answers a move from a wrong state with 409, the state and the states the
move could start from (``core.api``). Handling after filing is the loop's (``handling.Item``):
a filed proposal stays ``filed`` and reads its handling state from the item.
"""

from __future__ import annotations

from xieshang.core.transitions import Machine, Transition

from .models import Proposal

St = Proposal.Status
DRAFTING = (St.DRAFT, St.RETURNED, St.COSIGNING)

PROPOSAL = Machine(
    name="该提案",
    transitions={
        # drafting (the first proposer)
        "edit": Transition.of(DRAFTING, None, "修改"),
        "reopen": Transition.of([St.COSIGNING], St.DRAFT, "修改"),
        "await_cosigners": Transition.of([St.DRAFT, St.RETURNED], St.COSIGNING, "提交"),
        "submit": Transition.of(DRAFTING, St.SUBMITTED, "提交"),
        # a co-signer confirms or declines while the proposal is not yet submitted
        "cosign": Transition.of(DRAFTING, None, "确认联名"),
        # review by the proposals office
        "file": Transition.of([St.SUBMITTED], St.FILED, "立案"),
        "not_file": Transition.of([St.SUBMITTED], St.NOT_FILED, "作不予立案处理"),
        "return": Transition.of([St.SUBMITTED], St.RETURNED, "退回修改"),
        "to_suggestion": Transition.of([St.SUBMITTED], St.SUGGESTION, "转为意见建议"),
        "propose_opinion": Transition.of([St.SUBMITTED], St.OPINION_CONSENT, "转为社情民意"),
        "opinion_agree": Transition.of([St.OPINION_CONSENT], St.OPINION, "确认"),
        "opinion_refuse": Transition.of([St.OPINION_CONSENT], St.SUBMITTED, "确认"),
        # merging: a submitted proposal is filed as it joins a group ("file"); a filed one stays filed
        "merge": Transition.of([St.SUBMITTED, St.FILED], None, "并案"),
        "unmerge": Transition.of([St.FILED], None, "解除并案"),
        # after filing: the loop, key proposals, disclosure
        "assign": Transition.of([St.FILED], None, "交办"),
        "key": Transition.of([St.FILED], None, "列为重点提案"),
        "key_activity": Transition.of([St.FILED], None, "记录督办活动"),
        "publish": Transition.of([St.FILED], None, "公开答复"),
        "unpublish": Transition.of([St.FILED], None, "撤销公开"),
        # after handling is closed (the service checks the item): 优秀提案
        "excellent": Transition.of([St.FILED], None, "评为优秀提案"),
    },
)
