"""Chancheng's real 镇街 and 村居 (statistical division codes; public facts), loaded idempotently."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import Area

FIXTURE = Path(__file__).with_name("chancheng_divisions.json")
DISTRICT_CODE = "440604"


@transaction.atomic
def load_chancheng(*, grids_per_community: int = 0) -> int:
    """Create or update the district, its streets and communities; optionally generate grids.

    Returns the number of areas created. Running it again changes nothing.
    """
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    created = 0
    district, made = Area.objects.update_or_create(
        code=DISTRICT_CODE, defaults={"name": data["district"], "level": Area.Level.DISTRICT, "parent": None}
    )
    created += made
    streets: dict[str, Area] = {}
    for s in data["streets"]:
        streets[s["code"]], made = Area.objects.update_or_create(
            code=s["code"], defaults={"name": s["name"], "level": Area.Level.STREET, "parent": district}
        )
        created += made
    for v in data["communities"]:
        community, made = Area.objects.update_or_create(
            code=v["code"],
            defaults={
                "name": v["name"],
                "kind": v["kind"],
                "level": Area.Level.COMMUNITY,
                "parent": streets[v["street"]],
            },
        )
        created += made
        for n in range(1, grids_per_community + 1):
            _, made = Area.objects.get_or_create(
                code=f"{community.code}G{n:02d}",
                defaults={
                    "name": f"{grid_prefix(community.name)}第{n}网格",
                    "level": Area.Level.GRID,
                    "parent": community,
                },
            )
            created += made
    return created


# A grid is named after its 村居 without the committee: 大富村民委员会 → 大富村第1网格,
# 绿景社区居委会 → 绿景社区第1网格.
_COMMITTEE_SUFFIXES = (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", ""), ("居委会", ""), ("委员会", ""))


def grid_prefix(community: str) -> str:
    """The 村居 part of its grids' names."""
    for suffix, keep in _COMMITTEE_SUFFIXES:
        if community.endswith(suffix):
            return community[: -len(suffix)] + keep
    return community
