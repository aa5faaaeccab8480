"""Proposals (提案): drafting, co-signing, review, numbering, merging, key proposals and disclosure.

Handling (交办 → 答复 → 评价 → 办结) is the loop engine's: a filed proposal, or a merge group's lead,
is a ``handling.Item`` whose ``source`` is the proposal; the proposal reads its handling state from
that item (:attr:`Proposal.handling`) instead of keeping a copy. Only the services change ``status``,
through the transition table in ``transitions.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    ECONOMY = "经济建设", _("economic development")
    URBAN = "城乡建设", _("urban and rural development")
    EDUCATION = "教育科技", _("education, science and technology")
    CULTURE = "文化体育", _("culture and sport")
    HEALTH = "医疗卫生", _("medicine and health")
    LIVELIHOOD = "民生保障", _("livelihoods and social security")
    GOVERNANCE = "社会治理", _("social governance")
    ENVIRONMENT = "生态环境", _("ecology and environment")
    OTHER = "其他", _("other")


class NotFiledGround(models.TextChoices):
    """The statutory grounds for 不予立案 (DOMAIN §3)."""

    SECRET = "secret", _("concerns secrets of the Party and the state")
    PROHIBITED = "prohibited", _("contrary to the constitution, laws or regulations, or a prohibited matter")
    PERSONNEL = "personnel", _("concerns Party personnel appointments or other internal Party affairs")
    PARTY_AFFAIRS = "party_affairs", _("an internal affair of a party or organisation")
    LITIGATION = "litigation", _("concerns a case in litigation or arbitration")
    ACADEMIC = "academic", _("an academic discussion")
    PERSONAL = "personal", _("concerns private personal or family matters")
    PROMOTION = "promotion", _("promotes a unit or a product")
    ACCUSATION = "accusation", _("a report or accusation against a named person")
    VAGUE = "vague", _("vague, with no concrete suggestion")


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft (proposal)")
        COSIGNING = "cosigning", _("awaiting co-signers' confirmation")
        SUBMITTED = "submitted", _("awaiting the office's review")
        RETURNED = "returned", _("returned for revision")
        FILED = "filed", _("filed")
        NOT_FILED = "not_filed", _("not filed")
        SUGGESTION = "suggestion", _("turned into a suggestion")
        OPINION_CONSENT = "opinion_consent", _("to become an opinion report (awaiting the proposer's consent)")
        OPINION = "opinion", _("turned into an opinion report (proposal)")

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("plenary session proposal")
        REGULAR = "regular", _("proposal between sessions")

    class ProposerKind(models.TextChoices):
        MEMBER = "member", _("individual member")
        JOINT = "joint", _("members jointly")
        PARTY = "party", _("party or organisation (proposer)")
        SPECIAL_COMMITTEE = "special_committee", _("special committee (proposer)")
        SECTOR = "sector", _("sector or group")

    class Integrity(models.TextChoices):
        OWN = "own", _("written by myself")
        RESEARCHED = "researched", _("based on research")
        FORWARDED = "forwarded", _("forwarding material from others")

    class Handling(models.TextChoices):
        NONE = "", "—"
        PENDING = "pending", _("awaiting assignment")
        HANDLING = "handling", _("being handled")
        REPLIED = "replied", _("replied, awaiting evaluation")
        CLOSED = "closed", _("closed")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    term = models.ForeignKey("organisations.Term", verbose_name=_("term"), on_delete=models.PROTECT)
    session = models.ForeignKey(
        "organisations.Session", verbose_name=_("session"), null=True, blank=True, on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, blank=True)
    proposer_kind = models.CharField(_("proposer kind"), max_length=20, choices=ProposerKind.choices)
    organisation_name = models.CharField(_("submitting body"), max_length=100, blank=True)
    sector = models.ForeignKey(
        "organisations.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT
    )
    special_committee = models.ForeignKey(
        "organisations.SpecialCommittee",
        verbose_name=_("special committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    title = models.CharField(_("title"), max_length=120)
    situation = models.TextField(_("situation"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    suggestion_count = models.PositiveSmallIntegerField(_("number of suggestions"), default=0)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    suggested_units = models.CharField(_("suggested handling units"), max_length=200, blank=True)
    integrity = models.CharField(_("integrity declaration"), max_length=12, choices=Integrity.choices, blank=True)
    declared = models.BooleanField(_("declaration confirmed"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_label = models.CharField(_("case number"), max_length=40, blank=True, db_index=True)
    not_filed_ground = models.CharField(
        _("ground for not filing"), max_length=16, choices=NotFiledGround.choices, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    item = models.ForeignKey(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion_consent = models.BooleanField(_("consents to conversion to an opinion report"), null=True, blank=True)
    opinion_ref = models.CharField(_("opinion report reference"), max_length=40, blank=True)
    is_key = models.BooleanField(_("key proposal"), default=False)
    # Kept by the excellent-proposal services beside their ``ExcellentProposal`` row, so lists and the
    # duty file read it without a join.
    is_excellent = models.BooleanField(_("excellent proposal"), default=False)
    entered_by_staff = models.BooleanField(_("entered by staff on the proposer's behalf"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-year", "number", "-id"]
        indexes = [
            models.Index(fields=["committee", "status", "submitted_at"]),
            models.Index(fields=["committee", "year", "status"]),
            # The staff list (everything past drafting) in its order: a page reads 30 index entries,
            # and its count reads this index only.
            models.Index(
                models.F("committee"),
                models.F("year").desc(),
                models.F("number"),
                models.F("id").desc(),
                condition=~models.Q(status__in=["draft", "cosigning"]),
                name="proposal_staff_list",
            ),
            # Group leads by their item: a unit's list joins its assignments to this small index
            # instead of reading the whole table.
            models.Index(
                fields=["item"],
                condition=models.Q(merged_into__isnull=True, status="filed"),
                name="proposal_lead_item",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "term", "session", "number"],
                condition=models.Q(number__isnull=False),
                name="proposal_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def proposer_names(self) -> str:
        """The proposers who count (the first proposer and co-signers who confirmed), joined with 、."""
        return "、".join(x.name for x in self.proposers.all() if x.counts)

    @property
    def is_lead(self) -> bool:
        return self.status == self.Status.FILED and self.merged_into_id is None

    @property
    def group_lead(self) -> Proposal:
        return self.merged_into if self.merged_into_id else self

    @property
    def handling(self) -> str:
        """The loop's state of the proposal's group (待交办, 办理中, 已答复待评价, 已办结): the status of the
        group lead's item, read from the item each time; "" before filing. Lists read it in the same
        query (``selectors.with_handling`` annotates ``handling``)."""
        if "_handling" in self.__dict__:
            return self.__dict__["_handling"]
        item_id = self.merged_into.item_id if self.merged_into_id else self.item_id
        if item_id is None:
            return ""
        item_model = self._meta.get_field("item").related_model
        status = item_model.objects.filter(pk=item_id).values_list("status", flat=True).first()  # type: ignore[union-attr]
        return status if status in self.Handling.values else ""

    @handling.setter
    def handling(self, value: str | None) -> None:
        # Set by the annotation of ``selectors.with_handling``; nothing stores it.
        self.__dict__["_handling"] = value or ""

    def get_handling_display(self) -> str:
        return str(self.Handling(self.handling).label)


class Suggestion(models.Model):
    """One of a proposal's numbered suggestions (建议), taken from its 建议 text while it is drafted.

    A unit's reply records which of them it adopts (``AdoptedSuggestion``); the adopted-suggestions
    figure counts these records.
    """

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="suggestion_items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("suggestion"))

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="proposal_suggestion_number")]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 60 else f"{self.text[:59]}…"
        return f"{self.proposal.number_label or self.proposal.title} 建议{self.number}：{text}"

    def get_absolute_url(self) -> str:
        return f"/proposals/{self.proposal_id}/"


class AdoptedSuggestion(models.Model):
    """A unit's reply adopts one of the proposal's suggestions (采纳的建议); each reply records its own."""

    reply = models.ForeignKey(
        "handling.Reply", verbose_name=_("reply"), on_delete=models.CASCADE, related_name="adopted_suggestions"
    )
    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.PROTECT, related_name="adoptions"
    )

    class Meta:
        verbose_name = _("adopted suggestion")
        verbose_name_plural = _("adopted suggestions")
        ordering = ["reply", "suggestion__number"]
        constraints = [models.UniqueConstraint(fields=["reply", "suggestion"], name="adopted_suggestion_once")]

    def __str__(self) -> str:
        return f"{self.reply_id} → {self.suggestion}"


class ExcellentProposal(models.Model):
    """优秀提案: the proposals office marks a closed proposal excellent for a year."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="excellent"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("excellent proposal")
        verbose_name_plural = _("excellent proposals")
        ordering = ["-year", "proposal__number"]

    def __str__(self) -> str:
        return f"{self.year} {self.proposal}"


class Proposer(models.Model):
    """One proposer: the first proposer (order 1) or a co-signer, who counts once confirmed."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="proposers"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    member = models.ForeignKey(
        "organisations.Member", verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a body: the staff member who submits and rates for it."),
    )
    name = models.CharField(_("name"), max_length=100)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        ordering = ["proposal", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member"], condition=models.Q(member__isnull=False), name="proposer_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rater_key(self) -> str:
        uid = self.member.user_id if self.member_id else self.user_id
        if uid:
            return f"user:{uid}"
        return f"member:{self.member_id}"

    @property
    def counts(self) -> bool:
        return self.declined_at is None and (self.order == 1 or self.confirmed_at is not None)


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class Attachment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last case number used per committee, term and session; locked while a number is drawn."""

    committee = models.ForeignKey("organisations.Committee", on_delete=models.CASCADE)
    term = models.ForeignKey("organisations.Term", on_delete=models.CASCADE)
    session = models.ForeignKey("organisations.Session", on_delete=models.CASCADE)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        constraints = [
            models.UniqueConstraint(fields=["committee", "term", "session"], name="proposal_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.last}"


class KeyProposal(models.Model):
    """重点提案: chosen by the chair's council, optionally led by a district leader (领衔督办)."""

    proposal = models.OneToOneField(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="key")
    leader = models.ForeignKey(
        "organisations.Leader", verbose_name=_("leading leader"), null=True, blank=True, on_delete=models.PROTECT
    )
    decided_by = models.CharField(_("decided by"), max_length=50, default="主席会议")
    decided_on = models.DateField(_("decided on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("key proposal")
        verbose_name_plural = _("key proposals")
        ordering = ["proposal__number"]

    def __str__(self) -> str:
        return str(self.proposal)


class SupervisionActivity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("supervision consultation meeting")
        VISIT = "visit", _("visit")
        INSPECTION = "inspection", _("inspection (key proposal)")
        RESEARCH = "research", _("research (key proposal)")

    key_proposal = models.ForeignKey(
        KeyProposal, verbose_name=_("key proposal"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    note = models.TextField(_("summary"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class PublishedReply(models.Model):
    """A reply published on the public portal, with personal contact details redacted."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="publications"
    )
    reply = models.ForeignKey("handling.Reply", verbose_name=_("reply"), on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("published text"))
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published reply")
        verbose_name_plural = _("published replies")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply"], condition=models.Q(withdrawn_at__isnull=True), name="published_reply_once"
            )
        ]

    def __str__(self) -> str:
        return self.title
