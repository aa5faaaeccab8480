"""The transition tables of consultation work, declared once.

Topics, activities, a participant's attendance and a suggestion each have one table. Services
move a record only through its table, the pages show a button only when the table allows the
move, and the API answers a refused move with 409 and the states it could start from. A move
whose target is ``None`` leaves the state as it is but may only start from its sources.
"""

from __future__ import annotations

from xieshang.core.transitions import Machine, Transition

from .models import Activity, Participant, Suggestion, Topic

T = Topic.Status
A = Activity.Status
P = Participant.Attendance

TOPIC = Machine(
    name="该议题",
    transitions={
        "select": Transition.of([T.PROPOSED], T.SELECTED, "列入计划"),
        "decline": Transition.of([T.PROPOSED], T.NOT_SELECTED, "作未列入处理"),
        "conclude": Transition.of([T.SELECTED], T.CONCLUDED, "发布协商成果（须先列入计划）"),
    },
)

ACTIVITY = Machine(
    name="该活动",
    transitions={
        # a late-comer can still be added while the activity is under way
        "invite": Transition.of([A.PLANNED, A.HELD], None, "再邀请"),
        "sign_in": Transition.of([A.PLANNED, A.HELD], None, "签到"),
        # the first person signed in (or recorded present) shows the activity is being held
        "hold": Transition.of([A.PLANNED], A.HELD, "记为已举行"),
        "record_minutes": Transition.of([A.PLANNED, A.HELD], A.HELD, "记录纪要"),
        "cancel": Transition.of([A.PLANNED], A.CANCELLED, "取消（只有未举行的活动可以取消）"),
    },
)

# A participant's attendance (field ``attendance``).
ATTENDANCE = Machine(
    name="该人员",
    field="attendance",
    transitions={
        "request_leave": Transition.of([P.INVITED], P.LEAVE_REQUESTED, "请假"),
        "approve_leave": Transition.of([P.LEAVE_REQUESTED], P.ON_LEAVE, "准假"),
        "refuse_leave": Transition.of([P.LEAVE_REQUESTED], P.INVITED, "不准假"),
        # scanning the code (a second scan by someone present is answered without a move)
        "sign_in": Transition.of([P.INVITED, P.LEAVE_REQUESTED, P.ON_LEAVE, P.ABSENT], P.PRESENT, "签到"),
        # the organiser records those who did not scan (谁组织谁记录); approved leave stands
        "mark_present": Transition.of([P.INVITED, P.LEAVE_REQUESTED, P.ABSENT], P.PRESENT, "登记出席"),
        "mark_absent": Transition.of([P.INVITED, P.LEAVE_REQUESTED, P.PRESENT], P.ABSENT, "登记缺席"),
        "mark_invited": Transition.of([P.LEAVE_REQUESTED, P.ABSENT, P.PRESENT], P.INVITED, "改回待确认"),
        # when the minutes are recorded, whoever neither came nor had leave is absent
        "close": Transition.of([P.INVITED, P.LEAVE_REQUESTED], P.ABSENT, "记为缺席"),
    },
)

# A suggestion's stage is whether it has gone into the loop (``Suggestion.stage``, read from
# ``item``; ``send`` sets the item); what happens to it there is the loop's own table.
SUGGESTION = Machine(
    name="该建议",
    field="stage",
    transitions={"send": Transition.of([Suggestion.Stage.RECORDED], None, "再交办")},
    display={str(k): str(v) for k, v in Suggestion.Stage.choices},
)
