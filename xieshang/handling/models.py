"""The closed loop (办理闭环) shared by every channel.

受理 → 交办 → 签收 → 办理 → 答复 → (审核) → 评价 → 办结, with returns, extensions, reminders,
overdue flags, supervision, escalation along the area levels and re-handling.
Only the services (``services/``) change ``status`` fields, through the transition tables of
``transitions.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xieshang.workdays.calendar import Unit as TimeUnit


class DeadlineRule(models.Model):
    """Deadlines of one channel (and optionally one kind of item inside it), editable in the admin."""

    channel = models.CharField(_("channel"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30, blank=True, help_text=_("Empty: the channel's default rule."))
    name = models.CharField(_("name"), max_length=50)
    sign_amount = models.PositiveIntegerField(_("sign-for window"), default=1)
    sign_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.WORKDAY)
    objection_amount = models.PositiveIntegerField(_("objection window"), default=5)
    objection_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.WORKDAY)
    contact_amount = models.PositiveIntegerField(_("first contact within"), null=True, blank=True)
    contact_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.WORKDAY)
    reply_amount = models.PositiveIntegerField(_("reply within"))
    reply_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.WORKDAY)
    extension_max_amount = models.PositiveIntegerField(_("latest extended deadline"), null=True, blank=True)
    extension_max_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.MONTH)
    opinion_amount = models.PositiveIntegerField(_("co-unit opinion within"), default=1)
    opinion_unit = models.CharField(_("unit"), max_length=10, choices=TimeUnit.CHOICES, default=TimeUnit.MONTH)
    remind_days_before = models.PositiveIntegerField(_("remind this many days before the deadline"), default=2)
    rating_days = models.PositiveIntegerField(
        _("days to rate"), default=15, help_text=_("After this, an unrated reply is closed as not rated.")
    )
    review_required = models.BooleanField(_("office reviews replies"), default=True)
    auto_escalate = models.BooleanField(_("escalate to the next area level when overdue"), default=False)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["channel", "kind"]
        constraints = [models.UniqueConstraint(fields=["channel", "kind"], name="deadline_rule_unique")]

    def __str__(self) -> str:
        return self.name


def queue_flag_order() -> models.Case:
    """The pending queue's order: 上报至区级 first, then 退回待改派, then the rest (an index sorts by it)."""
    return models.Case(
        models.When(escalated_to_district=True, then=models.Value(0)),
        models.When(returned_count__gt=0, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )


class Item(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting assignment")
        HANDLING = "handling", _("being handled")
        REPLIED = "replied", _("replied, awaiting rating")
        CLOSED = "closed", _("closed")
        DECLINED = "declined", _("not accepted")

    class Mode(models.TextChoices):
        SINGLE = "single", _("one unit")
        SPLIT = "split", _("several units, each replies")
        JOINT = "joint", _("lead unit with co-units")

    committee = models.ForeignKey(
        "organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="items"
    )
    channel = models.CharField(_("channel"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    category = models.CharField(_("category"), max_length=50, blank=True)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    mode = models.CharField(_("assignment mode"), max_length=6, choices=Mode.choices, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    is_supervised = models.BooleanField(_("supervised"), default=False)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    escalated_to_district = models.BooleanField(_("escalated to the district"), default=False)
    returned_count = models.PositiveIntegerField(_("times returned"), default=0)
    due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"))
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.PROTECT
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("handling item")
        verbose_name_plural = _("handling items")
        ordering = ["-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "status", "accepted_at"]),
            models.Index(fields=["channel", "status"]),
            models.Index(fields=["source_type", "source_id"]),
            # 交办中心: one page of the pending queue in its order, and the overdue count.
            models.Index(
                models.F("committee"),
                queue_flag_order(),
                models.F("is_urgent").desc(),
                models.F("accepted_at"),
                models.F("id"),
                condition=models.Q(status="pending"),
                name="item_pending_queue",
            ),
            models.Index(fields=["committee"], condition=models.Q(is_overdue=True), name="item_overdue"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def thread(self) -> str:
        return f"item:{self.pk}"

    @property
    def reference(self) -> str:
        return f"BL{self.accepted_at:%Y}{self.pk:06d}"


LIVE_STATES = ["new", "signed", "return_requested", "opinion_sent", "replied", "awaiting_rating", "closed"]


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-unit")

    class Status(models.TextChoices):
        NEW = "new", _("awaiting sign-for")
        SIGNED = "signed", _("being handled")
        RETURN_REQUESTED = "return_requested", _("return requested")
        OPINION_SENT = "opinion_sent", _("opinion sent to the lead unit")
        REPLIED = "replied", _("replied, awaiting review")
        AWAITING_RATING = "awaiting_rating", _("awaiting rating")
        CLOSED = "closed", _("closed")
        RETURNED = "returned", _("returned")
        ESCALATED = "escalated", _("escalated")
        WITHDRAWN = "withdrawn", _("withdrawn")

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clock_started_at = models.DateTimeField(_("clock started at"))
    sign_due_at = models.DateTimeField(_("sign-for due"))
    objection_until = models.DateTimeField(_("return may be asked until"))
    contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), db_index=True)
    extended_until = models.DateTimeField(_("extended to"), null=True, blank=True)
    deadline_uncertain = models.BooleanField(_("deadline uses an unpublished holiday schedule"), default=False)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating_due_at = models.DateTimeField(_("rating due"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    rehandle_count = models.PositiveSmallIntegerField(_("times re-handled"), default=0)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("passed on to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The assignment that took over after a reassignment or escalation."),
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["item", "role", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "reply_due_at"]),
            models.Index(fields=["status", "reply_due_at"]),
            # 办理工作台: one page of a unit's open assignments in its order (overdue first, then the
            # deadline in force), the header counts, and the finished ones newest first.
            models.Index(
                models.F("unit"),
                models.F("is_overdue").desc(),
                Coalesce("extended_until", "reply_due_at"),
                models.F("id"),
                condition=models.Q(status__in=["new", "signed", "return_requested"]),
                name="assignment_workbench_open",
            ),
            models.Index(fields=["unit", "status", "is_overdue"], name="assignment_unit_counts"),
            models.Index(fields=["unit", "-assigned_at", "-id"], name="assignment_unit_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit"], condition=models.Q(status__in=LIVE_STATES), name="assignment_one_live_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.unit_id}"

    @property
    def effective_due_at(self):
        return self.extended_until or self.reply_due_at

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATES


class Reply(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        PASSED = "passed", _("passed")
        REJECTED = "rejected", _("sent back")
        SUPERSEDED = "superseded", _("superseded by re-handling")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    body = models.TextField(_("reply"))
    category = models.CharField(_("category"), max_length=20)
    adopted_count = models.PositiveIntegerField(_("adopted suggestions"), default=0)
    measures = models.TextField(_("measures taken"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PENDING)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("replied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["assignment", "-round", "-id"]
        indexes = [
            models.Index(fields=["assignment"], condition=models.Q(review="pending"), name="reply_pending_review")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} 第{self.round}轮答复"


class CoOpinion(models.Model):
    """A co-unit's opinion to the lead unit (会办意见)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="opinions"
    )
    body = models.TextField(_("opinion"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-unit opinion")
        verbose_name_plural = _("co-unit opinions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.assignment} 会办意见"


class Contact(models.Model):
    """A unit's contact with the person who raised the matter (办前/办中沟通)."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("face to face")
        FORUM = "forum", _("forum")
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        LETTER = "letter", _("letter")
        OTHER = "other", _("other")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="contacts"
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    happened_at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["happened_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_method_display()}"


class Request(models.Model):
    """A unit's request to return an assignment (申退) or extend its deadline (延期)."""

    class Kind(models.TextChoices):
        RETURN = "return", _("return")
        EXTENSION = "extension", _("extension")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("no longer needed")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="requests"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"))
    requested_until = models.DateField(_("extend to"), null=True, blank=True)
    suggested_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_status = models.CharField(max_length=16, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit request")
        verbose_name_plural = _("unit requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"], condition=models.Q(status="pending"), name="request_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_kind_display()}"


class Rating(models.Model):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASIC = "basic", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="ratings"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    rater_key = models.CharField(_("rater"), max_length=40)
    rater_label = models.CharField(_("rater name"), max_length=50)
    value = models.CharField(_("rating"), max_length=12, choices=Value.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Staff who entered the rating for someone offline."),
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["assignment", "round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round", "rater_key"], name="rating_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_value_display()}"


class Supervision(models.Model):
    """A leader's or the office's supervision of an item (督办)."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="supervisions")
    leader = models.ForeignKey(
        "organisations.Leader", verbose_name=_("leader"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.TextField(_("instruction"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item} 督办"


class ReminderLog(models.Model):
    """One reminder or overdue notice, so that a periodic scan never sends the same one twice."""

    class Kind(models.TextChoices):
        SIGN_OVERDUE = "sign_overdue", _("not signed for in time")
        REPLY_SOON = "reply_soon", _("reply due soon")
        REPLY_OVERDUE = "reply_overdue", _("reply overdue")
        OPINION_SOON = "opinion_soon", _("co-unit opinion due soon")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    due_at = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind", "due_at"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.assignment} {self.get_kind_display()}"


class RouteDecision(models.Model):
    """What the routing suggestion proposed for an item and which lead unit the dispatcher chose.

    One open (undecided) row per item; assigning the item settles it. The acceptance rate of the
    suggestions is accepted ÷ decided.
    """

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="route_decisions")
    suggested_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("suggested unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    suggestions = models.JSONField(_("suggestions"), default=list, blank=True)
    chosen_unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("chosen unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted = models.BooleanField(_("suggestion accepted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["decided_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(decided_at__isnull=True), name="route_decision_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} 交办建议"
