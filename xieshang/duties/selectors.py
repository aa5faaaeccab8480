"""Reads of member duties: the duty file (履职档案), points for every member, and the indicators' records.

The duty file is built from records, never typed: this app's attendance, speeches, honours,
features and media reports, and — read only — the channels' proposers, opinion reports and
consultation participants. Station duty, the 三走 visits, supervision groups and volunteer service
are outreach's records, a sibling app this one does not import: outreach registers them with
``core.duty_records`` and the file reads them there as plain sections. They are in the file, not in
the points: DOMAIN §7's default scheme counts plenary attendance, proposals, activities and opinion
reports only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from xieshang.consultations.models import Activity, Participant
from xieshang.core import duty_records
from xieshang.opinions import scoring as opinion_scoring
from xieshang.opinions.models import OpinionReport
from xieshang.organisations.models import Member
from xieshang.proposals.models import Proposal, Proposer

from . import scheme as points_scheme
from .models import (
    Attendance,
    Honour,
    LeaveRequest,
    MediaReport,
    Meeting,
    MemberFeature,
    PointsScheme,
    RulesDocument,
    Speech,
)

K = Meeting.Kind
PRESENT = Attendance.Status.PRESENT
DRAFTING = (Proposal.Status.DRAFT, Proposal.Status.COSIGNING)


def scheme_for(committee_id: int) -> points_scheme.Scheme:
    """The committee's points scheme, or the default (a stored scheme was checked when it was saved)."""
    stored = PointsScheme.objects.filter(committee_id=committee_id).values_list("weights", flat=True).first()
    return points_scheme.parse(stored if stored is not None else points_scheme.DEFAULT)


# --- the records behind the duties indicators --------------------------------------------------------


def meetings(committee: Any, year: int, kinds: Iterable[str]) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee=committee, starts_at__year=year, kind__in=list(kinds)).order_by(
        "starts_at", "id"
    )


def attendances(committee: Any, year: int, kinds: Iterable[str]) -> QuerySet[Attendance]:
    """Members present at the committee's meetings of these kinds (person-times)."""
    return (
        Attendance.objects.filter(
            meeting__committee=committee,
            meeting__starts_at__year=year,
            meeting__kind__in=list(kinds),
            member__isnull=False,
            status=PRESENT,
        )
        .select_related("meeting", "member")
        .order_by("meeting__starts_at", "id")
    )


def leader_attendances(committee: Any, year: int) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(
            meeting__committee=committee, meeting__starts_at__year=year, leader__isnull=False, status=PRESENT
        )
        .select_related("meeting", "leader")
        .order_by("meeting__starts_at", "id")
    )


def leader_participations(committee: Any, year: int) -> QuerySet[Participant]:
    """District leaders present at consultation activities (recorded by the consultations app)."""
    return Participant.objects.filter(
        activity__committee=committee,
        activity__starts_at__year=year,
        kind=Participant.Kind.LEADER,
        attendance=Participant.Attendance.PRESENT,
    ).exclude(activity__status=Activity.Status.CANCELLED)


def rules_documents(committee: Any, year: int) -> QuerySet[RulesDocument]:
    return RulesDocument.objects.filter(committee=committee, adopted_on__year=year).order_by("adopted_on", "id")


def excellent_members(committee: Any, year: int) -> QuerySet[Honour]:
    return (
        Honour.objects.filter(committee=committee, year=year, kind=Honour.Kind.EXCELLENT_MEMBER)
        .select_related("member")
        .order_by("id")
    )


def member_features(committee: Any, year: int) -> QuerySet[MemberFeature]:
    return MemberFeature.objects.filter(committee=committee, published_on__year=year).order_by("published_on", "id")


def media_reports(committee: Any, year: int) -> QuerySet[MediaReport]:
    return MediaReport.objects.filter(committee=committee, published_on__year=year).order_by("published_on", "id")


# --- facts and points for many members at once ---------------------------------------------------


def facts_for(committee_id: int, year: int, members: list[Member]) -> dict[int, points_scheme.Facts]:
    """The facts the points are counted from, for these members and the year, in a fixed number of queries."""
    ids = [m.pk for m in members]
    facts = {m.pk: points_scheme.Facts(is_standing=m.is_standing) for m in members}
    if not ids:
        return facts
    rows = Attendance.objects.filter(member_id__in=ids, meeting__starts_at__year=year).values_list(
        "member_id", "meeting__kind", "status"
    )
    for member_id, kind, status in rows:
        f = facts[member_id]
        if kind == K.PLENARY:
            f.plenary.append(status)
        elif status == PRESENT:
            f.activities += 1
        if kind == K.STANDING and status == Attendance.Status.ABSENT:
            f.standing_absences += 1
    for member_id, n in (
        Participant.objects.filter(
            member_id__in=ids, activity__starts_at__year=year, attendance=Participant.Attendance.PRESENT
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    ):
        facts[member_id].activities += n
    for member_id, starts, ends, when in Attendance.objects.filter(
        member_id__in=ids, meeting__kind=K.PLENARY, status=Attendance.Status.ABSENT
    ).values_list("member_id", "member__term__starts_on", "member__term__ends_on", "meeting__starts_at"):
        if starts <= when.date() and (ends is None or when.date() <= ends):
            facts[member_id].plenary_absences_in_term += 1
    counting = Q(declined_at__isnull=True) & (Q(order=1) | Q(confirmed_at__isnull=False))
    proposers = (
        Proposer.objects.filter(counting, member_id__in=ids, proposal__year=year)
        .exclude(proposal__status__in=DRAFTING)
        .values_list("member_id", "proposal_id", "proposal__status", "order")
    )
    proposer_rows = list(proposers)
    sizes = dict(
        Proposer.objects.filter(counting, proposal_id__in={r[1] for r in proposer_rows}, member__isnull=False)
        .values("proposal_id")
        .annotate(n=Count("id"))
        .values_list("proposal_id", "n")
    )
    for member_id, proposal_id, status, order in proposer_rows:
        facts[member_id].proposals.append((status == Proposal.Status.FILED, sizes.get(proposal_id, 1), order == 1))
    for member_id, status in OpinionReport.objects.filter(
        member_id__in=ids, submitted_at__year=year, status__in=opinion_scoring.COUNTED_STATES
    ).values_list("member_id", "status"):
        facts[member_id].opinions.append(status in opinion_scoring.ADOPTED_STATES)
    return facts


@dataclass
class MemberPoints:
    member: Member
    points: points_scheme.Points
    facts: points_scheme.Facts


def overview(committee_id: int, year: int) -> list[MemberPoints]:
    """Every member's points for the year: the office sees who is below the minimum and who is excellent."""
    members = list(
        Member.objects.filter(committee_id=committee_id, term__starts_on__lte=dt.date(year, 12, 31))
        .filter(Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=dt.date(year, 1, 1)))
        .select_related("term", "sector")
        .order_by("id")
    )
    scheme = scheme_for(committee_id)
    facts = facts_for(committee_id, year, members)
    rows = [MemberPoints(m, points_scheme.points(scheme, facts[m.pk]), facts[m.pk]) for m in members]
    rows.sort(key=lambda r: (-r.points.total, r.member.pk))
    return rows


# --- one member's duty file --------------------------------------------------------------------------


@dataclass
class DutyFile:
    member: Member
    year: int
    points: points_scheme.Points
    facts: points_scheme.Facts
    meetings: list[Attendance] = field(default_factory=list)
    leaves: list[LeaveRequest] = field(default_factory=list)
    activities: list[Participant] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    speeches: list[Speech] = field(default_factory=list)
    honours: list[Honour] = field(default_factory=list)
    features: list[MemberFeature] = field(default_factory=list)
    media: list[MediaReport] = field(default_factory=list)
    summary: list[tuple[str, Any]] = field(default_factory=list)
    outreach: list[duty_records.Section] = field(default_factory=list)


def duty_file(member: Member, year: int) -> DutyFile:
    facts = facts_for(member.committee_id, year, [member])[member.pk]
    pts = points_scheme.points(scheme_for(member.committee_id), facts)
    f = DutyFile(member=member, year=year, points=pts, facts=facts)
    f.meetings = list(
        Attendance.objects.filter(member=member, meeting__starts_at__year=year)
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    f.leaves = list(
        LeaveRequest.objects.filter(member=member, meeting__starts_at__year=year)
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    f.activities = list(
        Participant.objects.filter(member=member, activity__starts_at__year=year)
        .exclude(activity__status=Activity.Status.CANCELLED)
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    for pr in (
        Proposer.objects.filter(member=member, proposal__year=year, declined_at__isnull=True)
        .filter(Q(order=1) | Q(confirmed_at__isnull=False))
        .exclude(proposal__status__in=DRAFTING)
        .select_related("proposal")
        .order_by("proposal__number", "proposal_id")
    ):
        p = pr.proposal
        f.proposals.append(
            {
                "proposal": p,
                "first": pr.order == 1,
                "filed": p.status == Proposal.Status.FILED,
                "key": p.is_key,
                "status": p.get_status_display(),
            }
        )
    for r in (
        OpinionReport.objects.filter(member=member, submitted_at__year=year)
        .annotate(n_instructions=Count("instructions", distinct=True), n_adoptions=Count("adoptions", distinct=True))
        .order_by("submitted_at")
    ):
        f.opinions.append(
            {
                "report": r,
                "adopted": r.status in opinion_scoring.ADOPTED_STATES,
                "instructions": r.n_instructions,
                "adoptions": r.n_adoptions,
            }
        )
    f.speeches = list(Speech.objects.filter(member=member, given_on__year=year))
    f.honours = list(Honour.objects.filter(member=member, year=year))
    f.features = list(MemberFeature.objects.filter(members=member, published_on__year=year))
    f.media = list(MediaReport.objects.filter(members=member, published_on__year=year))
    present = [a for a in f.meetings if a.status == PRESENT]
    by_kind: dict[str, int] = defaultdict(int)
    for a in present:
        by_kind[a.meeting.kind] += 1
    f.summary = [
        (_("Meetings attended"), len(present)),
        (_("On leave"), sum(1 for a in f.meetings if a.status == Attendance.Status.LEAVE)),
        (_("Absent without leave"), sum(1 for a in f.meetings if a.status == Attendance.Status.ABSENT)),
        (
            _("Consultation, inspection and research activities"),
            sum(1 for a in f.activities if a.attendance == Participant.Attendance.PRESENT),
        ),
        (_("Study and training"), sum(by_kind[k] for k in (*Meeting.TRAINING_KINDS, K.READING, *Meeting.STUDY_KINDS))),
        (_("Proposals (first proposer)"), sum(1 for p in f.proposals if p["first"])),
        (_("Proposals (co-signed)"), sum(1 for p in f.proposals if not p["first"])),
        (_("Proposals filed"), sum(1 for p in f.proposals if p["filed"])),
        (_("Key proposals"), sum(1 for p in f.proposals if p["key"])),
        (_("Excellent proposals"), sum(1 for p in f.proposals if p["proposal"].is_excellent)),
        (_("Opinion reports (count)"), len(f.opinions)),
        (_("Opinion reports adopted"), sum(1 for o in f.opinions if o["adopted"])),
        (_("Instructions from leaders"), sum(o["instructions"] for o in f.opinions)),
        (_("Speeches"), len(f.speeches)),
        (_("Member features"), len(f.features)),
        (_("Media reports"), len(f.media)),
    ]
    f.outreach = duty_records.sections(member, year)
    f.summary += [figure for section in f.outreach for figure in section.figures]
    return f


def years_of(member: Member) -> list[int]:
    last = min(member.term.ends_on.year if member.term.ends_on else 9999, dt.date.today().year)
    return list(range(last, member.term.starts_on.year - 1, -1))


# --- the committee's own records, as the office enters them -------------------------------------------


def honours(committee: Any, year: int) -> QuerySet[Honour]:
    """Every honour given for the year (优秀履职委员, 优秀提案, others)."""
    return Honour.objects.filter(committee=committee, year=year).select_related("member").order_by("kind", "id")


def speeches(committee: Any, year: int) -> QuerySet[Speech]:
    return (
        Speech.objects.filter(committee=committee, given_on__year=year)
        .select_related("member", "meeting")
        .order_by("given_on", "id")
    )


def speech_meetings(committee: Any, year: int) -> QuerySet[Meeting]:
    """The meetings a speech may be given at: plenary, standing-committee, special-committee and other meetings."""
    return meetings(committee, year, (K.PLENARY, K.STANDING, K.SPECIAL, K.OTHER))


def member_names(committee_id: int) -> list[str]:
    """The committee's members' names, for the name fields' suggestions (each name once)."""
    return list(
        dict.fromkeys(Member.objects.filter(committee_id=committee_id).order_by("name").values_list("name", flat=True))
    )


def members_named(committee_id: int, names: Iterable[str]) -> tuple[list[Member], list[str]]:
    """The committee's members with these names (the latest term's where a name recurs) and the names not found."""
    wanted = [n for n in dict.fromkeys(names) if n]
    found: dict[str, Member] = {}
    for m in Member.objects.filter(committee_id=committee_id, name__in=wanted).order_by("term__starts_on", "id"):
        found[m.name] = m
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]
