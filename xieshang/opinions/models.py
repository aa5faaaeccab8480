"""Social-conditions and public-opinion reports (社情民意信息), bulletin issues and what follows them.

一事一报: one matter per report, about 1,500 characters. The information office edits (every
edit is a version; the original is kept), adopts or not, compiles adopted reports into numbered
bulletin issues (《社情民意》第N期) and releases them; later adoptions by other levels and
leaders' written instructions (批示) are recorded against the report. Only ``services.py``
changes ``status`` fields.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("being compiled")
        RELEASED = "released", _("released")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("issue number"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("editor's note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compiled by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "number"], name="bulletin_issue_unique_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"《社情民意》{self.year}年第{self.number}期"


class BulletinCounter(models.Model):
    """The last issue number used per committee and year; locked while the next number is taken."""

    committee = models.ForeignKey("organisations.Committee", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bulletin counter")
        verbose_name_plural = _("bulletin counters")
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="bulletin_counter_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class BulletinRelease(models.Model):
    """One recipient an issue was sent to (签发、报送)."""

    class Recipient(models.TextChoices):
        PARTY = "party", _("district Party committee")
        GOVERNMENT = "government", _("district government")
        PARENT = "parent", _("parent CPPCC committee")
        OTHER = "other", _("other")

    issue = models.ForeignKey(BulletinIssue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="releases")
    recipient = models.CharField(_("recipient"), max_length=12, choices=Recipient.choices)
    recipient_name = models.CharField(_("recipient name"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["issue", "id"]

    def __str__(self) -> str:
        return self.recipient_name


class OpinionReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted, being edited")
        RETURNED = "returned", _("sent back to the author")
        ADOPTED = "adopted", _("adopted")
        NOT_ADOPTED = "not_adopted", _("not adopted")
        RELEASED = "released", _("released in a bulletin")

    class AuthorKind(models.TextChoices):
        MEMBER = "member", _("member")
        PARTY = "party", _("party or people's organisation")
        SPECIAL_COMMITTEE = "special_committee", _("special committee")
        LIAISON_GROUP = "liaison_group", _("liaison group")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    author_kind = models.CharField(_("submitted as"), max_length=20, choices=AuthorKind.choices)
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT
    )
    author_org = models.CharField(_("organisation"), max_length=100, blank=True)
    # Snapshots at submission, so that statistics by sector, party and HK/Macao stay as they were.
    sector_name = models.CharField(_("sector"), max_length=50, blank=True)
    party = models.CharField(_("party affiliation"), max_length=30, blank=True)
    is_hk_macao = models.BooleanField(_("by a Hong Kong or Macao member"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    single_matter_confirmed = models.BooleanField(_("author confirmed one matter"), default=False)
    return_reason = models.TextField(_("reason sent back"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    issue = models.ForeignKey(
        BulletinIssue,
        verbose_name=_("bulletin issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("opinion report")
        verbose_name_plural = _("opinion reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "status", "submitted_at"]),
            # The year's reports of a committee whatever their state (the scorecard's figures).
            models.Index(fields=["committee", "submitted_at"], name="opinion_committee_submitted"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def thread(self) -> str:
        return f"opinion:{self.pk}"

    @property
    def author_label(self) -> str:
        if self.author_kind == self.AuthorKind.MEMBER and self.member_id:
            return self.member.name
        return self.author_org or getattr(self.submitted_by, "display_name", "")

    @property
    def reference(self) -> str:
        return f"SQ{self.submitted_at:%Y}{self.pk:05d}"

    @property
    def status_tag(self) -> str:
        return {
            self.Status.SUBMITTED: "tag-pending",
            self.Status.RETURNED: "tag-red",
            self.Status.ADOPTED: "tag-handling",
            self.Status.NOT_ADOPTED: "",
            self.Status.RELEASED: "tag-closed",
        }.get(self.status, "")


class ReportVersion(models.Model):
    """A text of a report: number 1 is the author's original, later numbers are edits."""

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class Adoption(models.Model):
    """Adoption of a report at one level; a level adopts a report once."""

    class Level(models.TextChoices):
        OWN = "own", _("this committee")
        CITY = "city", _("city CPPCC")
        PROVINCE = "province", _("provincial CPPCC")
        NATIONAL = "national", _("national CPPCC")
        PARTY = "party", _("district Party committee")
        GOVERNMENT = "government", _("district government")
        CITY_PARTY = "city_party", _("city Party committee")
        CITY_GOVERNMENT = "city_government", _("city government")

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="adoptions"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    adopted_on = models.DateField(_("adopted on"))
    issue_label = models.CharField(_("issue or document number"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["report", "adopted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="adoption_once_per_level")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.level}"


class Instruction(models.Model):
    """A leader's written instruction (批示) on a released report, fed back to the author."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("district leader")
        CITY = "city", _("city leader")
        PROVINCE = "province", _("provincial leader")
        CENTRAL = "central", _("central leader")

    report = models.ForeignKey(
        OpinionReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="instructions"
    )
    leader = models.ForeignKey(
        "organisations.Leader", verbose_name=_("leader"), null=True, blank=True, on_delete=models.PROTECT
    )
    leader_name = models.CharField(_("leader"), max_length=50)
    leader_title = models.CharField(_("post"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    given_on = models.DateField(_("date"))
    text = models.TextField(_("instruction"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["report", "given_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader_name} {self.given_on}"


class ScoreRule(models.Model):
    """Points for adoptions and instructions, per committee (editable in the admin).

    Defaults follow DOMAIN §4's example (own 1, city CPPCC +5, national CPPCC or city Party
    committee/government +20, city leader +10, central leader +30); the levels that example
    leaves open default to values between their neighbours and are meant to be set by the office.
    """

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.CASCADE)
    key = models.CharField(_("event"), max_length=30)
    points = models.PositiveIntegerField(_("points"))

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["committee", "key"]
        constraints = [models.UniqueConstraint(fields=["committee", "key"], name="score_rule_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.points}"
