"""Fixed demo records for 禅城区政协, from ``data/committee.json``. Names of people are invented; places
and bodies are public.

- ``SET_UP_ON``: the day the units, accounts and members of the demo's current term were registered;
- ``TERMS``: (number, starts_on, ends_on, is_current); ``SESSIONS``: term number -> [(session number,
  opens, closes, proposals from, proposals until)];
- ``SECTORS``: sector -> party affiliation typical of it ("" = varied); ``SECTOR_SIZES``: members per sector;
- ``DEPARTMENTS``: (name, short name); ``STREET_UNITS``: (name of the 镇街 office, its area); every
  department and 镇街 without an account in ``ACCOUNTS`` gets a staff account of its own (not in the login
  list): username "unit_d<nn>" by its place in DEPARTMENTS, "unit_s<n>" in STREET_UNITS, named with
  ``STAFF_NAMES_SEED``;
- ``DUTIES``: which unit the office sends a matter to, by the words of its subject (for a consultation's
  suggestion, its topic, the part of the title before "："): the first (pattern, unit) that matches;
- ``COMMUNITY_UNITS``: village and community committees that act as handling units (the 村居's own name);
- ``LEADERS``: (title, name, username or "");
- ``ACCOUNTS``: username -> (role, office, full name, unit name or "", what the login list shows);
- ``MEMBER_ACCOUNTS``: member accounts -> (sector, standing, HK/Macao, gender, party, workplace, special
  committees);
- ``SURNAMES``, ``GIVEN``, ``WORKPLACES``, ``POSTS``: what generated members are made of.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .texts import load

_D = load("committee")


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _days(row: list[Any]) -> tuple[Any, ...]:
    return tuple(_day(v) if isinstance(v, str) else v for v in row)


CITY: dict[str, str] = _D["city"]
DISTRICT: dict[str, str] = _D["district"]
SET_UP_ON: dt.date = dt.date.fromisoformat(_D["set_up_on"])
TERMS: list[tuple[Any, ...]] = [_days(row) for row in _D["terms"]]
SESSIONS: dict[int, list[tuple[Any, ...]]] = {int(k): [_days(r) for r in rows] for k, rows in _D["sessions"].items()}
SECTORS: dict[str, str] = _D["sectors"]
SECTOR_SIZES: dict[str, int] = _D["sector_sizes"]
SPECIAL_COMMITTEES: list[str] = _D["special_committees"]
DEPARTMENTS: list[tuple[str, str]] = [tuple(r) for r in _D["departments"]]  # type: ignore[misc]
STREET_UNITS: list[tuple[str, str]] = [tuple(r) for r in _D["street_units"]]  # type: ignore[misc]
STAFF_NAMES_SEED: int = _D["staff_names_seed"]
DUTIES: list[tuple[str, str]] = [tuple(r) for r in _D["duties"]]  # type: ignore[misc]
COMMUNITY_UNITS: list[str] = _D["community_units"]
LEADERS: list[tuple[str, str, str]] = [tuple(r) for r in _D["leaders"]]  # type: ignore[misc]
ACCOUNTS: dict[str, tuple[str, str, str, str, str]] = {k: tuple(v) for k, v in _D["accounts"].items()}  # type: ignore[misc]
MEMBER_ACCOUNTS: dict[str, tuple[Any, ...]] = {k: tuple(v) for k, v in _D["member_accounts"].items()}
SURNAMES: str = _D["surnames"]
GIVEN: list[str] = _D["given"]
WORKPLACES: dict[str, list[str]] = _D["workplaces"]
POSTS: list[str] = _D["posts"]
