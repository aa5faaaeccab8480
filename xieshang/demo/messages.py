"""Citizen messages in every state of the loop, made through the real services.

Each scenario is a list of steps at a day offset after the message came in, ``age_days`` before the
seeding. Each step runs at its moment under a travelling clock (``timeline.at``), so the history reads
as it happened, and every state was reached through ``messages.services`` and ``handling.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from xieshang.demo.timeline import at

from .texts import load

NAMESPACE = uuid.UUID("6f1c3c57-5c1e-4a5e-9a0b-2b8f0f6c2022")


@dataclass
class Step:
    day: float
    action: str
    unit: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    key: str
    kind: str
    title: str
    text: str
    name: str
    phone: str
    area: str  # a 村居's name; the message is placed in its first grid
    age_days: float
    steps: list[Step] = field(default_factory=list)


def _scenarios() -> list[Scenario]:
    """The scenarios of ``data/messages.json``, in order."""
    return [Scenario(**{**sc, "steps": [Step(**step) for step in sc["steps"]]}) for sc in load("messages")["scenarios"]]


SCENARIOS: list[Scenario] = _scenarios()


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-message:{key}")


class _Actors:
    def __init__(self, committee: Any) -> None:
        from xieshang.organisations.models import Unit, User

        self.committee = committee
        self.office = User.objects.get(username="office")
        self.leader_user = User.objects.get(username="leader")
        self._units = {u.name: u for u in Unit.objects.filter(committee=committee)}
        self._staff: dict[str, Any] = {}
        for user in User.objects.filter(role=User.Role.UNIT, unit__committee=committee).select_related("unit"):
            if user.unit is not None:
                self._staff.setdefault(user.unit.name, user)
        self._User = User

    def unit(self, name: str) -> Any:
        return self._units[name]

    def staff(self, unit_name: str) -> Any:
        try:
            return self._staff[unit_name]
        except KeyError:
            raise LookupError(f"demo unit {unit_name} has no staff account") from None


def _live_assignment(item: Any, unit: Any) -> Any:
    from xieshang.handling.models import LIVE_STATES, Assignment

    return Assignment.objects.filter(item=item, unit=unit, status__in=LIVE_STATES).get()


def _run_step(step: Step, item: Any, msg: Any, actors: _Actors) -> None:
    from xieshang.handling import services as loop
    from xieshang.handling.models import Item, Request
    from xieshang.messages import services as messages

    item.refresh_from_db()
    office = actors.office
    if step.action == "assign":
        from xieshang.handling import assist

        co = [actors.unit(n) for n in step.args.get("co", [])]
        lead = actors.unit(step.unit)
        # as on the item's page: the dispatcher sees the suggested units, then chooses
        assist.route_suggestion_record(
            item, assist.suggest_units(actors.committee.pk, item.title, item.text, item.area_id)
        )
        loop.item_assign(
            item_id=item.pk,
            actor=office,
            mode=step.args.get("mode", Item.Mode.SINGLE),
            lead_units=[lead],
            co_units=co,
        )
        assist.route_decision_settle(item_id=item.pk, chosen=[lead], actor=office)
    elif step.action == "sign":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_sign(assignment_id=a.pk, actor=actors.staff(step.unit))
    elif step.action == "contact":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_record_contact(
            assignment_id=a.pk,
            actor=actors.staff(step.unit),
            method=step.args["method"],
            happened_at=timezone.now(),  # the step's moment
            note=step.args.get("note", ""),
        )
    elif step.action == "co_opinion":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.co_opinion_send(assignment_id=a.pk, actor=actors.staff(step.unit), body=step.args["body"])
    elif step.action == "reply":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_reply(
            assignment_id=a.pk,
            actor=actors.staff(step.unit),
            body=step.args["body"],
            category=step.args["category"],
            resolved=step.args["category"] == "solved",
        )
    elif step.action == "rate":
        a = _live_assignment(item, actors.unit(step.unit))
        messages.message_rate(
            code=msg.tracking_code,
            phone=msg.phone,
            assignment_id=a.pk,
            value=step.args["value"],
            comment=step.args.get("comment", ""),
        )
    elif step.action == "extension":
        from xieshang.workdays.calendar import Unit as TimeUnit
        from xieshang.workdays.calendar import add_period

        a = _live_assignment(item, actors.unit(step.unit))
        until = timezone.localtime(add_period(a.effective_due_at, step.args["workdays"], TimeUnit.WORKDAY).at).date()
        loop.assignment_request_extension(
            assignment_id=a.pk, actor=actors.staff(step.unit), until=until, reason=step.args["reason"]
        )
    elif step.action == "return":
        a = _live_assignment(item, actors.unit(step.unit))
        suggested = actors.unit(step.args["suggest"]) if step.args.get("suggest") else None
        loop.assignment_request_return(
            assignment_id=a.pk, actor=actors.staff(step.unit), reason=step.args["reason"], suggested_unit=suggested
        )
    elif step.action == "decide":
        req = Request.objects.filter(assignment__item=item, status=Request.Status.PENDING).latest("id")
        loop.request_decide(
            request_id=req.pk, actor=office, approve=step.args["approve"], note=step.args.get("note", "")
        )
    elif step.action == "escalate":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_escalate(assignment_id=a.pk, actor=actors.staff(step.unit), reason=step.args["reason"])
    elif step.action == "supervise":
        leader_user = actors.leader_user
        loop.item_supervise(item_id=item.pk, actor=leader_user, note=step.args["note"])
    elif step.action == "decline":
        loop.item_decline(item_id=item.pk, actor=office, reason=step.args["reason"])
    elif step.action == "reassign":
        a = item.assignments.get(status__in=["new", "signed"])
        loop.assignment_reassign(
            assignment_id=a.pk, actor=office, unit=actors.unit(step.args["to"]), reason=step.args["reason"]
        )
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


def _area_for(name: str) -> Any:
    from xieshang.areas.models import Area

    community = Area.objects.get(name=name, level=Area.Level.COMMUNITY)
    return community.children.order_by("code").first() or community


def seed_messages(committee: Any) -> int:
    """Create the scenarios that do not exist yet; returns how many were created."""
    from xieshang.handling import services as loop
    from xieshang.messages import services as messages
    from xieshang.messages.models import Message

    actors = _Actors(committee)
    created = 0
    now = timezone.now()
    for sc in SCENARIOS:
        token = _token(sc.key)
        if Message.objects.filter(submission_token=token).exists():
            continue
        # The message came in ``age_days`` ago (or as long ago as its last step, if that is longer); each
        # step runs ``day`` days after it, at that moment, so every record is written when it happened.
        came_in = now - dt.timedelta(days=max([sc.age_days, *(step.day for step in sc.steps)]))
        with at(came_in):
            msg, made = messages.message_submit(
                committee=committee,
                submission_token=token,
                kind=sc.kind,
                title=sc.title,
                text=sc.text,
                name=sc.name,
                phone=sc.phone,
                area=_area_for(sc.area),
                publish_consent=True,
            )
        if not made or msg.item_id is None:
            continue
        for step in sc.steps:
            with at(came_in + dt.timedelta(days=step.day)):
                _run_step(step, msg.item, msg, actors)
        created += 1
    if created:
        # let the scan flag what is now overdue or unrated, as the scan running every few minutes does
        loop.scan_deadlines()
    return created
