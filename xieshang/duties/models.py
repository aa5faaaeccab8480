"""Member duties (委员履职): meetings with attendance and leave, the committee's own work, points schemes.

Whoever organises a meeting records its attendance (谁组织谁记录): present, on approved leave, or
absent without leave. Leave is asked for in writing before the meeting and decided by the
organiser (for plenary and standing-committee meetings, the secretariat). Consultation
activities keep their own participants and sign-in (``consultations.Participant``); the duty file
reads both. The committee's own work is recorded as what it is: rules documents (制度), honours,
member features (委员风采), media reports and speeches. A member's duty file and points are never
typed: ``selectors.duty_file`` builds them from these records and the channels' records.
Only ``services.py`` writes these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xieshang.core.transitions import Machine, Transition


class Meeting(models.Model):
    """A meeting or activity the committee organises itself (plenary, study session, training...)."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", "全体会议"
        STANDING = "standing", "常委会议"
        PARTY_GROUP = "party_group", "党组会"
        CHAIR = "chair", "主席会议"
        STUDY_GROUP = "study_group", "中心组学习"
        SPECIAL = "special", "专委会活动"
        TRAINING_CLASS = "training_class", "委员业务培训班"
        TOPIC_TRAINING = "topic_training", "专题培训"
        READING = "reading", "读书活动"
        JUDICIAL = "judicial", "司法监督"
        OTHER = "other", "其他会议活动"

    STUDY_KINDS = (Kind.PARTY_GROUP, Kind.CHAIR, Kind.STUDY_GROUP)
    TRAINING_KINDS = (Kind.TRAINING_CLASS, Kind.TOPIC_TRAINING)

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=150, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Whoever organises the meeting records its attendance."),
    )
    created_at = models.DateTimeField(_("created at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("meeting or activity")
        verbose_name_plural = _("meetings and activities")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["committee", "kind", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def thread(self) -> str:
        return f"meeting:{self.pk}"


class LeaveRequest(models.Model):
    """请假: asked for in writing before the meeting, decided by the organiser or the secretariat."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "公务"
        TRAVEL = "travel", "出差"
        ABROAD = "abroad", "出国（境）"
        ILLNESS = "illness", "生病"
        PERSONAL = "personal", "事假"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="leaves")
    member = models.ForeignKey("organisations.Member", verbose_name=_("member"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind of leave"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="leave_one_open_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()}"


LEAVE = Machine(
    name="该请假申请",
    transitions={
        "approve": Transition.of([LeaveRequest.Status.PENDING], LeaveRequest.Status.APPROVED, "批准"),
        "refuse": Transition.of([LeaveRequest.Status.PENDING], LeaveRequest.Status.REFUSED, "不批准"),
    },
)


class Attendance(models.Model):
    """One person's attendance at one meeting, recorded once by its organiser."""

    class Status(models.TextChoices):
        PRESENT = "present", "出席"
        LEAVE = "leave", "请假（已批准）"
        ABSENT = "absent", "无故缺席"

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT
    )
    leader = models.ForeignKey(
        "organisations.Leader",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("A district Party or government leader attending the committee's meeting."),
    )
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    leave = models.OneToOneField(
        LeaveRequest, verbose_name=_("approved leave"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "id"]
        indexes = [models.Index(fields=["member", "meeting"])]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=models.Q(member__isnull=False), name="attendance_once_member"
            ),
            models.UniqueConstraint(
                fields=["meeting", "leader"], condition=models.Q(leader__isnull=False), name="attendance_once_leader"
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, leader__isnull=True)
                | models.Q(member__isnull=True, leader__isnull=False),
                name="attendance_member_or_leader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.leader} {self.get_status_display()}"


class RulesDocument(models.Model):
    """A rules document (制度) the committee established."""

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=150)
    adopted_by = models.CharField(_("adopted by"), max_length=50, default="主席会议")
    adopted_on = models.DateField(_("adopted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rules document")
        verbose_name_plural = _("rules documents")
        ordering = ["-adopted_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["committee", "title"], name="rules_document_unique_title")]

    def __str__(self) -> str:
        return self.title


class Honour(models.Model):
    """An honour given to a member, e.g. 优秀履职委员 for a year."""

    class Kind(models.TextChoices):
        EXCELLENT_MEMBER = "excellent_member", "优秀履职委员"
        EXCELLENT_PROPOSAL = "excellent_proposal", "优秀提案"
        OTHER = "other", "其他荣誉"

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    member = models.ForeignKey("organisations.Member", verbose_name=_("member"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("for the year"))
    title = models.CharField(_("title"), max_length=100)
    awarded_on = models.DateField(_("awarded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind", "year", "title"], name="honour_once_per_year"),
            # 优秀履职委员 is given once a year: a second one for the same member and year is a duplicate.
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=models.Q(kind="excellent_member"),
                name="honour_excellent_member_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.title}"


class MemberFeature(models.Model):
    """An issue of 委员风采 (member features), featuring one or more members."""

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    number = models.PositiveIntegerField(_("issue number"))
    title = models.CharField(_("title"), max_length=150)
    published_on = models.DateField(_("published on"))
    members = models.ManyToManyField("organisations.Member", verbose_name=_("members featured"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("member feature")
        verbose_name_plural = _("member features")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "published_on", "number"], name="feature_unique_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}期 {self.title}"


class MediaReport(models.Model):
    """A media report (媒体报道) on the committee's work, naming the members it features."""

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=150)
    outlet = models.CharField(_("outlet"), max_length=60)
    published_on = models.DateField(_("published on"))
    url = models.URLField(_("address"), blank=True)
    members = models.ManyToManyField("organisations.Member", verbose_name=_("members featured"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("media report")
        verbose_name_plural = _("media reports")
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["committee", "published_on"])]

    def __str__(self) -> str:
        return f"{self.outlet}：{self.title}"


class Speech(models.Model):
    """A speech a member gave (大会发言, 常委会发言), oral or written."""

    class Form(models.TextChoices):
        ORAL = "oral", "口头发言"
        WRITTEN = "written", "书面发言"

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    member = models.ForeignKey("organisations.Member", verbose_name=_("member"), on_delete=models.PROTECT)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="speeches"
    )
    title = models.CharField(_("title"), max_length=150)
    form = models.CharField(_("form"), max_length=8, choices=Form.choices)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PointsScheme(models.Model):
    """The committee's points scheme (履职积分方案) as JSON; ``scheme.parse`` checks it before it is kept."""

    committee = models.OneToOneField(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.CASCADE, related_name="points_scheme"
    )
    name = models.CharField(_("name"), max_length=100, default="委员履职积分办法")
    weights = models.JSONField(_("weights"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")

    def __str__(self) -> str:
        return self.name
