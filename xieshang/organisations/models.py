"""Committees, their terms and sessions, sectors, special committees, members, leaders, units and users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    slug = models.SlugField(
        _("slug"), max_length=40, blank=True, help_text=_("Latin letters for commands and exports, e.g. chancheng")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT)
    # The names official documents carry (GB/T 9704): the full name, each issuing organ's name
    # (发文机关标志 and 署名) and the organ code (发文机关代字) the document numbers start with.
    full_name = models.CharField(
        _("full name"),
        max_length=100,
        blank=True,
        help_text=_("As on official documents, e.g. 中国人民政治协商会议佛山市禅城区委员会"),
    )
    proposals_organ = models.CharField(
        _("proposals committee (issuing organ)"),
        max_length=100,
        blank=True,
        help_text=_("Sender of proposal documents, e.g. 政协佛山市禅城区委员会提案委员会"),
    )
    office_organ = models.CharField(
        _("general office (issuing organ)"),
        max_length=100,
        blank=True,
        help_text=_("Sender of the office's documents, e.g. 政协佛山市禅城区委员会办公室"),
    )
    document_code = models.CharField(
        _("document code"),
        max_length=20,
        blank=True,
        help_text=_("The organ code document numbers start with, e.g. 禅政协 (禅政协提〔2022〕12号)"),
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], condition=~models.Q(slug=""), name="committee_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    # Each name falls back on what the committee's own name gives, so a committee not yet filled in
    # still prints a correct (if plainer) sender: 政协佛山市禅城区委员会 + 提案委员会.
    @property
    def official_name(self) -> str:
        """全称, e.g. 中国人民政治协商会议佛山市禅城区委员会."""
        return self.full_name or self.name

    @property
    def proposals_sender(self) -> str:
        """The proposals committee as sender, e.g. 政协佛山市禅城区委员会提案委员会."""
        return self.proposals_organ or f"{self.name}提案委员会"

    @property
    def office_sender(self) -> str:
        """The general office as sender, e.g. 政协佛山市禅城区委员会办公室."""
        return self.office_organ or f"{self.name}办公室"

    def document_number(self, kind: str, year: int, number: int) -> str:
        """发文字号: organ code + kind code, the year in 〔〕, the number without leading zeros and 号,
        e.g. 禅政协提〔2022〕12号."""
        return f"{self.document_code or self.short_name or self.name}{kind}〔{year}〕{number}号"


class Term(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_unique_number"),
            models.UniqueConstraint(fields=["committee"], condition=models.Q(is_current=True), name="term_one_current"),
        ]

    def __str__(self) -> str:
        return _("term %(number)s") % {"number": _cn(self.number)}


class Session(models.Model):
    """A plenary session (次会议); proposals submitted in its window are 大会提案."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    proposals_from = models.DateField(_("plenary proposals accepted from"), null=True, blank=True)
    proposals_until = models.DateField(_("plenary proposals accepted until"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["term", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="session_unique_number")]

    def __str__(self) -> str:
        return f"{self.term}第{_cn(self.number)}次会议"


class Sector(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="sector_unique_name")]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("special committee")
        verbose_name_plural = _("special committees")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="special_committee_unique_name")]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A handling unit (承办单位): a department, a town or street, a village committee or another body."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("government department")
        STREET = "street", _("town or street")
        COMMUNITY = "community", _("village or community")
        OTHER = "other", _("other body")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For a town, street or village committee: the area it answers for."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Citizens act without an account, through a tracking code."""

    class Role(models.TextChoices):
        OFFICE = "office", _("committee staff")
        UNIT = "unit", _("handling-unit staff")
        LEADER = "leader", _("leader")
        MEMBER = "member", _("member")
        HOST = "host", _("liaison-station host")
        ADMIN = "admin", _("administrator")

    class Office(models.TextChoices):
        NONE = "", _("none")
        PROPOSALS = "proposals", _("proposals office")
        INFORMATION = "information", _("information office")
        SECRETARIAT = "secretariat", _("secretariat")
        GOVERNMENT = "government", _("Party and government office")

    class Language(models.TextChoices):
        # each script named in itself, as a language switch does
        SIMPLIFIED = "zh-hans", "简体中文"
        TRADITIONAL = "zh-hant", "繁體中文"

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    office = models.CharField(_("office"), max_length=12, choices=Office.choices, blank=True, default="")
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # The script the person reads the site, notices, e-mails and documents in; blank until they choose
    # (the browser's language then decides the pages, the committee's language the rest).
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True, default="")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def reads_in(self) -> str:
        """The language code to render this person's notices, e-mails and documents in."""
        from django.conf import settings

        return self.language or settings.LANGUAGE_CODE


class Member(models.Model):
    """A committee member (委员) for a term; may or may not have a user account."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="members"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=2, blank=True)
    party = models.CharField(_("party affiliation"), max_length=30, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT)
    special_committees = models.ManyToManyField(SpecialCommittee, verbose_name=_("special committees"), blank=True)
    is_standing = models.BooleanField(_("standing member"), default=False)
    is_hk_macao = models.BooleanField(_("Hong Kong or Macao member"), default=False)
    workplace = models.CharField(_("workplace and post"), max_length=100, blank=True)
    user = models.OneToOneField(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Leader(models.Model):
    """A district Party or government leader who supervises and gives written instructions."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="leaders"
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=100)
    user = models.OneToOneField(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="leader"
    )

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numerals for ordinal numbers (第五届, 第十二次, 第一百零五号); Arabic from 1,000 on."""
    if n < 0 or n >= 1000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if not rest:
        tail = ""
    elif rest < 10:
        tail = "零" + _DIGITS[rest]
    else:
        tail = ("一" if rest < 20 else "") + _cn(rest)  # 一百一十, not 一百十
    return _DIGITS[hundreds] + "百" + tail
