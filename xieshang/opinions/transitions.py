"""The transition tables of opinion reports and bulletin issues, declared once.

Services move a record only through these tables (``REPORT.move`` / ``ISSUE.move``), the pages
show a button only when the table allows its move (``available``), and the API answers a move
the table refuses with 409 and the states it could start from. A move whose target is ``None``
leaves the state as it is (editing, recording an adoption) but may only start from its sources.
"""

from __future__ import annotations

from xieshang.core.transitions import Machine, Transition

from .models import BulletinIssue, OpinionReport

S = OpinionReport.Status
I = BulletinIssue.Status  # noqa: E741

REPORT = Machine(
    name="该信息",
    transitions={
        # the author
        "resubmit": Transition.of([S.RETURNED], S.SUBMITTED, "重新报送"),
        # the information office
        "edit": Transition.of([S.SUBMITTED, S.ADOPTED], None, "编辑"),
        "return": Transition.of([S.SUBMITTED], S.RETURNED, "退回"),
        "adopt": Transition.of([S.SUBMITTED], S.ADOPTED, "采用"),
        "decline": Transition.of([S.SUBMITTED], S.NOT_ADOPTED, "作不采用处理"),
        "add_to_issue": Transition.of([S.ADOPTED], None, "编入刊物"),
        "remove_from_issue": Transition.of([S.ADOPTED], None, "移出刊物"),
        "release": Transition.of([S.ADOPTED], S.RELEASED, "签发"),
        "record_adoption": Transition.of([S.RELEASED], None, "登记上级采用（须先编刊签发）"),
        "record_instruction": Transition.of([S.RELEASED], None, "登记领导批示（须先编刊签发报送）"),
        "transfer": Transition.of([S.ADOPTED, S.RELEASED], None, "转办"),
    },
)

ISSUE = Machine(
    name="该期《社情民意》",
    transitions={
        "add_report": Transition.of([I.DRAFT], None, "再增加信息"),
        "remove_report": Transition.of([I.DRAFT], None, "再移出信息"),
        "edit_report": Transition.of([I.DRAFT], None, "再修改其中的信息"),
        "release": Transition.of([I.DRAFT], I.RELEASED, "再签发"),
    },
)
