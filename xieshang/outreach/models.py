"""Outreach: liaison stations and their visitor logs, enterprise linkage (三走), supervision groups, volunteers.

Matters that need a department go through the one loop as items of this app's channels
(``station``, ``enterprise``, ``supervision``); the records here keep the link (``item``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xieshang.core.transitions import Machine, Transition


class Station(models.Model):
    """A liaison station or point (政协委员工作联系站/点) or a member studio (委员工作室) on the area tree."""

    class Kind(models.TextChoices):
        STATION = "station", _("liaison station")
        POINT = "point", _("liaison point")
        STUDIO = "studio", _("member studio")

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STATION)
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    reception = models.CharField(_("reception days"), max_length=100, blank=True)
    # The days of each month the station receives visitors (e.g. "10,20"); the roster is generated from them.
    duty_days = models.CharField(_("duty days of the month"), max_length=100, blank=True, default="")
    host = models.ForeignKey(
        "organisations.User",
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_stations",
    )
    members = models.ManyToManyField(
        "organisations.Member", verbose_name=_("members"), blank=True, related_name="stations"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["area__code", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="outreach_station_unique_name")]

    def __str__(self) -> str:
        return self.name


class DutyShift(models.Model):
    """One member on duty at a station on one day (值班). A member is on duty at one place a day."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="shifts")
    on = models.DateField(_("date"))
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["on", "station_id", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "on"], name="outreach_duty_one_place_a_day")]
        indexes = [models.Index(fields=["station", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.member}"


class SwapRequest(models.Model):
    """调班申请: the member on duty asks another member of the station to take the day, or to exchange
    it for one of theirs; the host, the office or that member confirms, and the roster changes then."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        ACCEPTED = "accepted", _("confirmed")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    shift = models.ForeignKey(DutyShift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(
        "organisations.Member", verbose_name=_("requesting member"), on_delete=models.PROTECT, related_name="+"
    )
    to_member = models.ForeignKey(
        "organisations.Member", verbose_name=_("asked member"), on_delete=models.PROTECT, related_name="+"
    )
    other_shift = models.ForeignKey(
        DutyShift,
        verbose_name=_("shift given in exchange"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("reason for the swap"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift"], condition=models.Q(status="pending"), name="outreach_swap_one_pending_per_shift"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shift} → {self.to_member}"


S = SwapRequest.Status
SWAP = Machine(
    name="该调班申请",
    transitions={
        "accept": Transition.of([S.PENDING], S.ACCEPTED, "确认调班"),
        "decline": Transition.of([S.PENDING], S.DECLINED, "不同意调班"),
        "withdraw": Transition.of([S.PENDING], S.WITHDRAWN, "撤回调班申请"),
    },
)


class Visit(models.Model):
    """The visitor log (来访登记): who came, about what, and how it was disposed of."""

    class Kind(models.TextChoices):
        CONSULT = "consult", _("enquiry")
        PERSONAL = "personal", _("personal request")
        SUGGESTION = "suggestion", _("suggestion")

    class Status(models.TextChoices):
        OPEN = "open", _("to be disposed of")
        ANSWERED = "answered", _("answered on the spot")
        PROPOSAL = "proposal", _("turned into a proposal draft")
        OPINION = "opinion", _("turned into an opinion report")
        REFERRED = "referred", _("sent to a department")

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    duty_member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member on duty"), on_delete=models.PROTECT, related_name="+"
    )
    off_duty_reason = models.CharField(_("reason (member not on duty)"), max_length=200, blank=True)
    visitor = models.CharField(_("visitor"), max_length=50)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    matter = models.TextField(_("matter"))
    status = models.CharField(_("disposal"), max_length=10, choices=Status.choices, default=Status.OPEN)
    disposal_note = models.TextField(_("disposal note"), blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("disposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_visit",
    )
    opinion_report = models.OneToOneField(
        "opinions.OpinionReport",
        verbose_name=_("opinion report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="station_visit",
    )
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(_("outcome received at"), null=True, blank=True)
    feedback_on = models.DateField(_("visitor told on"), null=True, blank=True)
    feedback_note = models.CharField(_("feedback note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("station visit")
        verbose_name_plural = _("station visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["station", "visited_on"]), models.Index(fields=["committee", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.visitor}"


V = Visit.Status

# Which disposal a matter may take: a personal request or an enquiry is not a proposal or an opinion
# report (个人具体诉求不作为提案、社情民意信息); it is answered or sent to the department concerned.
DISPOSALS_BY_KIND: dict[str, frozenset[str]] = {
    Visit.Kind.CONSULT: frozenset({V.ANSWERED, V.REFERRED}),
    Visit.Kind.PERSONAL: frozenset({V.ANSWERED, V.REFERRED}),
    Visit.Kind.SUGGESTION: frozenset({V.ANSWERED, V.PROPOSAL, V.OPINION, V.REFERRED}),
}

VISIT = Machine(
    name="该来访登记",
    transitions={
        "answer": Transition.of([V.OPEN], V.ANSWERED, "登记当场答复"),
        "to_proposal": Transition.of([V.OPEN], V.PROPOSAL, "转为提案草稿"),
        "to_opinion": Transition.of([V.OPEN], V.OPINION, "转为社情民意信息"),
        "refer": Transition.of([V.OPEN], V.REFERRED, "转部门办理"),
        "feedback": Transition.of([V.PROPOSAL, V.OPINION, V.REFERRED], None, "登记反馈"),
    },
)
DISPOSAL_MOVE = {V.ANSWERED: "answer", V.PROPOSAL: "to_proposal", V.OPINION: "to_opinion", V.REFERRED: "refer"}


class StationMessage(models.Model):
    """A message a resident leaves for a station on the public portal; the host takes it up as a visit."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="messages")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    # Hashed phone and network address, for the daily limit; the phone itself is kept for the host.
    client_key = models.CharField(_("client key"), max_length=64, db_index=True)
    address_key = models.CharField(_("address key"), max_length=64, blank=True, db_index=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)
    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="message"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("station message")
        verbose_name_plural = _("station messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.station} {self.created_at:%Y-%m-%d}"


# --- enterprise linkage (三走) -----------------------------------------------------------------------


class Enterprise(models.Model):
    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="outreach_enterprise_unique_name")]

    def __str__(self) -> str:
        return self.name


class EnterpriseLink(models.Model):
    """A leadership member linked to an enterprise (挂点联系) from a day, until a day or for good."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="links"
    )
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("leadership member"), on_delete=models.PROTECT, related_name="+"
    )
    linked_on = models.DateField(_("linked on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise link")
        verbose_name_plural = _("enterprise links")
        ordering = ["enterprise_id", "linked_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "member"],
                condition=models.Q(ended_on__isnull=True),
                name="outreach_link_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.enterprise}"


class OutreachVisit(models.Model):
    """A visit of 三走 (走企业、走专业人士、走群众): who went and whom they met."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("visiting enterprises")
        TALENT = "talent", _("visiting professionals")
        PUBLIC = "public", _("visiting residents")

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ENTERPRISE)
    visited_on = models.DateField(_("visit date"))
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outreach visit")
        verbose_name_plural = _("outreach visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.topic}"


class Participant(models.Model):
    """One person on a visit: one of ours who went, or one person met (the person-times count these)."""

    class Side(models.TextChoices):
        OURS = "ours", _("went")
        MET = "met", _("met")

    visit = models.ForeignKey(
        OutreachVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="participants"
    )
    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("post"), max_length=100, blank=True)
    member = models.ForeignKey(
        "organisations.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["visit_id", "side", "id"]

    def __str__(self) -> str:
        return self.name


class Appeal(models.Model):
    """An enterprise's appeal (企业诉求), handled through the loop (channel ``enterprise``)."""

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="appeals"
    )
    visit = models.ForeignKey(
        OutreachVisit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    raised_on = models.DateField(_("raised on"))
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        "organisations.User",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise appeal")
        verbose_name_plural = _("enterprise appeals")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.title


# --- supervision groups and volunteers ------------------------------------------------------------


class SupervisionGroup(models.Model):
    """A supervision group (民主监督小组/督导组) led by a leadership member, with a theme and a period."""

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    theme = models.CharField(_("theme"), max_length=200)
    leader = models.ForeignKey(
        "organisations.Member", verbose_name=_("group leader"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "organisations.Member", verbose_name=_("members"), blank=True, related_name="supervision_groups"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")
        ordering = ["starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="outreach_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    """A problem a supervision group raises; handled through the loop (channel ``supervision``)."""

    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("supervision group"), on_delete=models.PROTECT, related_name="problems"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField(_("raised on"))
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision problem")
        verbose_name_plural = _("supervision problems")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return self.title


class VolunteerTeam(models.Model):
    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    founded_on = models.DateField(_("founded on"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="outreach_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField(_("name"), max_length=50)
    user = models.ForeignKey(
        "organisations.User",
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team_id", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="outreach_volunteer_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceRecord(models.Model):
    """One volunteer service (e.g. a day at a testing site); each volunteer present is one person-time."""

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="records")
    served_on = models.DateField(_("date"))
    activity = models.CharField(_("activity"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)

    class Meta:
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        ordering = ["-served_on", "-id"]

    def __str__(self) -> str:
        return f"{self.served_on} {self.activity}"


class Attendance(models.Model):
    record = models.ForeignKey(
        ServiceRecord, verbose_name=_("service"), on_delete=models.CASCADE, related_name="attendance"
    )
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("volunteer attendance")
        verbose_name_plural = _("volunteer attendance")
        constraints = [models.UniqueConstraint(fields=["record", "volunteer"], name="outreach_attend_once")]

    def __str__(self) -> str:
        return f"{self.record} {self.volunteer}"
