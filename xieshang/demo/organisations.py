"""The demo committee: 禅城区政协 with its terms, sessions, sectors, units, people and citizen messages.

Everything is keyed by names, codes and usernames, so running it again adds nothing and removes
nothing. Records are made through the organisations, messages and handling services.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from xieshang.areas.divisions import DISTRICT_CODE, load_chancheng
from xieshang.areas.models import Area
from xieshang.demo.timeline import at, on
from xieshang.organisations import services
from xieshang.organisations.models import Committee, Leader, Member, Sector, Session, SpecialCommittee, Term, Unit, User

from . import data

DEFAULT_PASSWORD = "Xieshang@2022"  # noqa: S105 - the demo's documented password, printed at start


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def seed(*, password: str = DEFAULT_PASSWORD, messages: bool = True) -> Report:
    report = Report()
    with transaction.atomic():
        report.add("areas", load_chancheng(grids_per_community=3))
        committee = _committees(report)
        terms = _terms(committee, report)
        sectors = _sectors(committee, report)
        specials = _special_committees(committee, report)
        # The demo's year of work starts with proposals accepted from 2021-12-01; its people and units
        # were registered before that, on the day the committee set them up, not on the day it is seeded.
        with at(on(data.SET_UP_ON, 9)):
            _units(committee, report)
            _accounts(committee, password, report)
            _unit_staff(committee, password, report)
            _leaders(committee, report)
            _members(committee, terms[5], sectors, specials, report)
    if messages:
        from .messages import seed_messages

        report.add("messages", seed_messages(committee))
    return report


KEPT = "（已有账号，密码未改动）"


def logins(password: str) -> list[tuple[str, str, str]]:
    """(label, username, password) of the printed demo accounts: an account that already had another
    password keeps it, and the list says so instead of printing a password that does not work."""
    users = {u.username: u for u in User.objects.filter(username__in=list(data.ACCOUNTS))}
    out = []
    for username, (_role, _office, _name, _unit, label) in data.ACCOUNTS.items():
        user = users.get(username)
        out.append((label, username, password if user is not None and user.check_password(password) else KEPT))
    return out


def demo_committee() -> Committee | None:
    """The demo's district committee (禅城区政协), once ``seed_demo`` has made it."""
    return Committee.objects.filter(name=data.DISTRICT["name"]).first()


def _committees(report: Report) -> Committee:
    city, made = Committee.objects.get_or_create(
        name=data.CITY["name"], defaults={"short_name": data.CITY["short_name"], "level": Committee.Level.CITY}
    )
    report.add("committees", made)
    district_area = Area.objects.get(code=DISTRICT_CODE)
    committee, made = Committee.objects.get_or_create(
        name=data.DISTRICT["name"],
        defaults={
            "short_name": data.DISTRICT["short_name"],
            "level": Committee.Level.DISTRICT,
            "parent": city,
            "area": district_area,
            "slug": data.DISTRICT["slug"],
        },
    )
    if not committee.slug:  # a demo database made before committees had slugs
        Committee.objects.filter(pk=committee.pk).update(slug=data.DISTRICT["slug"])
        committee.slug = data.DISTRICT["slug"]
    # The names official documents carry; filled on a database seeded before the committee had them.
    names = {k: data.DISTRICT[k] for k in ("full_name", "proposals_organ", "office_organ", "document_code")}
    if any(getattr(committee, k) != v for k, v in names.items()):
        Committee.objects.filter(pk=committee.pk).update(**names)
        for k, v in names.items():
            setattr(committee, k, v)
    report.add("committees", made)
    return committee


def _terms(committee: Committee, report: Report) -> dict[int, Term]:
    terms: dict[int, Term] = {}
    for number, starts, ends, current in data.TERMS:
        term, made = Term.objects.get_or_create(
            committee=committee,
            number=number,
            defaults={"starts_on": starts, "ends_on": ends, "is_current": current},
        )
        report.add("terms", made)
        terms[number] = term
        for s_number, opens, closes, p_from, p_until in data.SESSIONS.get(number, []):
            _, made = Session.objects.get_or_create(
                term=term,
                number=s_number,
                defaults={
                    "opens_on": opens,
                    "closes_on": closes,
                    "proposals_from": p_from,
                    "proposals_until": p_until,
                },
            )
            report.add("sessions", made)
    return terms


def _sectors(committee: Committee, report: Report) -> dict[str, Sector]:
    out = {}
    for name in data.SECTORS:
        out[name], made = Sector.objects.get_or_create(committee=committee, name=name)
        report.add("sectors", made)
    return out


def _special_committees(committee: Committee, report: Report) -> dict[str, SpecialCommittee]:
    out = {}
    for name in data.SPECIAL_COMMITTEES:
        out[name], made = SpecialCommittee.objects.get_or_create(committee=committee, name=name)
        report.add("special committees", made)
    return out


def _unit(committee: Committee, report: Report, name: str, kind: str, short: str = "", area: Area | None = None):
    unit = Unit.objects.filter(committee=committee, name=name).first()
    if unit is None:
        unit = services.unit_create(actor=None, committee=committee, name=name, kind=kind, short_name=short, area=area)
        report.add("units")
    return unit


def _units(committee: Committee, report: Report) -> None:
    for name, short in data.DEPARTMENTS:
        _unit(committee, report, name, Unit.Kind.DEPARTMENT, short)
    for name, area_name in data.STREET_UNITS:
        area = Area.objects.get(name=area_name, level=Area.Level.STREET)
        _unit(committee, report, name, Unit.Kind.STREET, area_name, area)
    for name in data.COMMUNITY_UNITS:
        area = Area.objects.get(name=name, level=Area.Level.COMMUNITY)
        short = name.removesuffix("社区居委会").removesuffix("村民委员会")
        _unit(committee, report, name, Unit.Kind.COMMUNITY, short, area)


def _accounts(committee: Committee, password: str, report: Report) -> None:
    for username, (role, office, full_name, unit_name, _label) in data.ACCOUNTS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            unit = Unit.objects.get(committee=committee, name=unit_name) if unit_name else None
            services.user_create(
                actor=None,
                username=username,
                password=password,
                role=role,
                office=office,
                committee=committee,
                full_name=full_name,
                unit=unit,
                is_superuser=role == User.Role.ADMIN,
                # the demo password is chosen by whoever runs the demo; production accounts are
                # made in the admin, where the validators apply
                check_password_strength=False,
            )
            report.add("users")
        # an account that exists already (made by an earlier run or by someone else) is left as it is:
        # the demo never changes a password it did not just set


def _unit_staff(committee: Committee, password: str, report: Report) -> None:
    """A staff account for each department and 镇街 that has none in ``data.ACCOUNTS``."""
    named = {unit for _r, _o, _n, unit, _l in data.ACCOUNTS.values() if unit}
    wanted = [(f"unit_d{i:02d}", name) for i, (name, _short) in enumerate(data.DEPARTMENTS, 1)]
    wanted += [(f"unit_s{i}", name) for i, (name, _area) in enumerate(data.STREET_UNITS, 1)]
    wanted = [(username, unit) for username, unit in wanted if unit not in named]
    # the same names every run: drawn for every account, whether or not it exists
    names = _names(random.Random(data.STAFF_NAMES_SEED), len(wanted), set())
    existing = set(
        User.objects.filter(username__in=[name for name, _unit in wanted]).values_list("username", flat=True)
    )
    for (username, unit_name), full_name in zip(wanted, names, strict=True):
        if username in existing:
            continue
        services.user_create(
            actor=None,
            username=username,
            password=password,
            role=User.Role.UNIT,
            committee=committee,
            full_name=full_name,
            unit=Unit.objects.get(committee=committee, name=unit_name),
            check_password_strength=False,
        )
        report.add("users")


def duty_unit(subject: str) -> str | None:
    """The name of the unit the demo office sends a matter about ``subject`` to (``data.DUTIES``)."""
    topic = subject.split("：", 1)[0]
    for pattern, unit in data.DUTIES:
        if re.search(pattern, topic):
            return unit
    return None


def staffed_units(committee: Committee) -> tuple[list[Unit], dict[int, User]]:
    """The committee's units that have a staff account, in id order, and one such account for each."""
    staff: dict[int, User] = {}
    for user in User.objects.filter(role=User.Role.UNIT, committee=committee, unit__isnull=False).order_by("id"):
        staff.setdefault(user.unit_id, user)  # type: ignore[arg-type]
    return list(Unit.objects.filter(pk__in=staff).order_by("id")), staff


def lead_unit(subject: str, units: Sequence[Unit], k: int) -> Unit:
    """The unit the demo office sends a matter about ``subject`` to: the one whose duties it falls
    under (``duty_unit``) when that unit is among ``units``, else the ``k``-th of ``units`` in turn."""
    name = duty_unit(subject)
    for unit in units:
        if unit.name == name:
            return unit
    return units[k % len(units)]


def _leaders(committee: Committee, report: Report) -> None:
    for title, name, username in data.LEADERS:
        leader = Leader.objects.filter(committee=committee, name=name, title=title).first()
        if leader is None:
            user = User.objects.get(username=username) if username else None
            Leader.objects.create(committee=committee, name=name, title=title, user=user)
            report.add("leaders")


def _names(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    surnames = ["欧阳", *data.SURNAMES.replace("欧阳", "")]
    while len(out) < n:
        name = rng.choice(surnames) + rng.choice(data.GIVEN)
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _members(
    committee: Committee,
    term: Term,
    sectors: dict[str, Sector],
    specials: dict[str, SpecialCommittee],
    report: Report,
) -> None:
    # Members with accounts first, then ~300 generated members from a fixed seed: the same names,
    # sectors and flags every run, so a second run finds them all and creates none.
    for username, (sector, standing, hk, gender, party, workplace, sc_names) in data.MEMBER_ACCOUNTS.items():
        user = User.objects.get(username=username)
        if not Member.objects.filter(user=user).exists():
            m = services.member_create(
                actor=None,
                term=term,
                name=user.full_name,
                sector=sectors[sector],
                gender=gender,
                party=party,
                is_standing=standing,
                is_hk_macao=hk,
                workplace=workplace,
                user=user,
            )
            m.special_committees.set([specials[s] for s in sc_names])
            report.add("members")
    rng = random.Random(20230111)
    taken = {u.full_name for u in User.objects.filter(username__in=data.MEMBER_ACCOUNTS)}
    existing = set(Member.objects.filter(term=term).values_list("name", flat=True))
    special_list = list(specials.values())
    standing_left = 9
    new: list[tuple[Member, list[SpecialCommittee]]] = []
    for sector_name, size in data.SECTOR_SIZES.items():
        for name in _names(rng, size, taken):
            gender = rng.choice("男男女")
            party = data.SECTORS[sector_name] or rng.choice(["中共党员", "群众", "群众", "无党派人士"])
            places = data.WORKPLACES.get(sector_name, ["某企事业单位", "某社会组织", "区直单位"])
            workplace = rng.choice(places) + rng.choice(data.POSTS)
            # draw every random value whether or not it is used, so the sequence never depends on
            # what already exists
            standing = rng.random() < 0.06 and standing_left > 0
            picks = rng.sample(special_list, k=rng.choice([0, 1, 1, 2]))
            if name in existing:
                continue
            standing_left -= standing
            member = Member(
                committee=committee,
                term=term,
                name=name,
                sector=sectors[sector_name],
                gender=gender,
                party=party,
                is_standing=standing,
                is_hk_macao=sector_name == "港澳",
                workplace=workplace,
            )
            new.append((member, picks))
    if new:
        Member.objects.bulk_create([m for m, _ in new])
        through = Member.special_committees.through
        through.objects.bulk_create(
            [through(member_id=m.pk, specialcommittee_id=s.pk) for m, picks in new for s in picks]
        )
        report.add("members", len(new))
