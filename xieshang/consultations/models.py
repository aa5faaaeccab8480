"""Consultation (协商; 有事禅商量): topics, the yearly plan, activities, participants and suggestions.

Topics are collected from the public, members and departments; the chair's council puts the
chosen ones into the year's plan. Each topic runs through activities (inspection, research,
consultation meeting, micro-consultation, supervision meeting, follow-up) with invited
participants, leave, sign-in and minutes. Suggestions are recorded one by one and sent to the
responsible units through the closed loop. Only ``services.py`` changes ``status`` fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """The year's consultation plan (年度协商计划), adopted by the chair's council."""

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    adopted_on = models.DateField(_("adopted by the chair's council on"), null=True, blank=True)
    is_published = models.BooleanField(_("published on the portal"), default=False)

    class Meta:
        verbose_name = _("consultation plan")
        verbose_name_plural = _("consultation plans")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="plan_one_per_year")]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    class Source(models.TextChoices):
        PUBLIC = "public", _("the public")
        MEMBER = "member", _("a member")
        UNIT = "unit", _("a department")
        OFFICE = "office", _("the committee")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        SELECTED = "selected", _("in the plan")
        NOT_SELECTED = "not_selected", _("not selected")
        CONCLUDED = "concluded", _("concluded")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    proposer_name = models.CharField(_("proposed by"), max_length=100)
    proposer_phone = models.CharField(_("phone"), max_length=20, blank=True)
    proposer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer account"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT, related_name="topics"
    )
    lead = models.CharField(_("lead body"), max_length=100, blank=True, help_text=_("e.g. a special committee"))
    decision_note = models.TextField(_("decision note"), blank=True)
    outcome = models.TextField(_("published outcome"), blank=True)
    outcome_published_at = models.DateTimeField(_("outcome published at"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_at = models.DateTimeField(_("proposed at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def thread(self) -> str:
        return f"topic:{self.pk}"


class Activity(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("inspection (专项视察)")
        RESEARCH = "research", _("research (专题调研)")
        MEETING = "meeting", _("consultation meeting (协商会)")
        MICRO = "micro", _("micro-consultation (微协商)")
        MICRO_INSPECTION = "micro_inspection", _("micro-inspection (微视察)")
        SUPERVISION = "supervision", _("supervision meeting (督办协商会)")
        FOLLOW_UP = "follow_up", _("follow-up review (回头看)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=150, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("village or community"), null=True, blank=True, on_delete=models.PROTECT
    )
    organiser = models.CharField(_("organised by"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("briefing, questions, answers, statements"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    signin_opens_at = models.DateTimeField(_("sign-in opens"))
    signin_closes_at = models.DateTimeField(_("sign-in closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("consultation activity")
        verbose_name_plural = _("consultation activities")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["committee", "kind", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def thread(self) -> str:
        return f"activity:{self.pk}"


class Participant(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("member")
        LEADER = "leader", _("leader")
        UNIT = "unit", _("unit staff")
        EXPERT = "expert", _("outside expert")
        RESIDENT = "resident", _("resident")
        OTHER = "other", _("other")

    class Attendance(models.TextChoices):
        INVITED = "invited", _("invited")
        LEAVE_REQUESTED = "leave_requested", _("leave requested")
        ON_LEAVE = "on_leave", _("on approved leave")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent without leave")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT
    )
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=50)
    organisation = models.CharField(_("organisation and post"), max_length=100, blank=True)
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance.choices, default="invited")
    leave_reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["activity", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"], condition=models.Q(user__isnull=False), name="participant_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=models.Q(member__isnull=False),
                name="participant_once_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SignInAttempt(models.Model):
    """Every scan of an activity's sign-in code, accepted or refused, with the reason."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL)
    ok = models.BooleanField(_("accepted"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in attempt")
        verbose_name_plural = _("sign-in attempts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.user_id} {self.ok}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        MATERIALS = "materials", _("meeting materials")
        MINUTES = "minutes", _("minutes")
        PHOTO = "photo", _("photo")
        OTHER = "other", _("other")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to="consultations/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.title


class ResearchReport(models.Model):
    """The report a research activity (专题调研) ends in."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("research activity"), on_delete=models.PROTECT, related_name="research_reports"
    )
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(_("summary"))
    file = models.FileField(_("document"), upload_to="consultations/research/%Y/", blank=True)
    completed_on = models.DateField(_("completed on"))
    is_published = models.BooleanField(_("published on the portal"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("research report")
        verbose_name_plural = _("research reports")
        ordering = ["-completed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["activity", "title"], name="research_report_unique_title")]

    def __str__(self) -> str:
        return self.title


class Suggestion(models.Model):
    """One suggestion from a consultation (协商建议), sent to a unit through the closed loop."""

    class Stage(models.TextChoices):
        # not a column: read from ``item`` (see ``transitions.SUGGESTION``)
        RECORDED = "recorded", "未交办"
        SENT = "sent", "已交办"

    class Source(models.TextChoices):
        ACTIVITY = "activity", _("a consultation activity")
        LIAISON = "liaison", _("a liaison station")
        OTHER = "other", _("other")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ACTIVITY)
    source_label = models.CharField(_("source detail"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("suggestion"))
    raised_by = models.CharField(_("raised by"), max_length=100, blank=True)
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submission_token = models.UUIDField(_("submission token"), unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("consultation suggestion")
        verbose_name_plural = _("consultation suggestions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage(self) -> str:
        return self.Stage.SENT if self.item_id else self.Stage.RECORDED


class ActivityNotice(models.Model):
    """One notice or reminder about an activity, so that the periodic scan never sends it twice."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("notice to participants")
        MATERIALS = "materials", _("materials due")
        MINUTES_DUE = "minutes_due", _("minutes due soon")
        MINUTES_OVERDUE = "minutes_overdue", _("minutes overdue")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"))
    late = models.BooleanField(_("sent after the due date"), default=False)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity notice")
        verbose_name_plural = _("activity notices")
        constraints = [models.UniqueConstraint(fields=["activity", "kind", "due_at"], name="activity_notice_once")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind}"
