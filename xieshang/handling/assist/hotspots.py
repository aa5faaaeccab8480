"""Hotspots (热点分析) over a period's items, in the format of the 热点问题表."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from xieshang.areas.selectors import paths as area_paths
from xieshang.insight.selectors import Doc
from xieshang.insight.selectors import hotspots as insight_hotspots

from .. import registry
from ..models import Item
from ._base import HOTSPOT_CACHE_SECONDS, HOTSPOT_MAX_ITEMS, TEXT_CHARS
from .same_matter import item_authors

# --- hotspots ---------------------------------------------------------------------------------------


def bursty_channels() -> frozenset[str]:
    """Channels whose items come in bursts about one matter (``registry.Channel.bursty``)."""
    return frozenset(c.key for c in registry.all_channels() if c.bursty)


@dataclass
class HotspotRow:
    rank: int
    heat: float
    period: str
    place: str
    description: str
    items: list[Item]

    @property
    def count(self) -> int:
        return len(self.items)


def hotspot_rows(
    committee_id: int, start: dt.datetime, end: dt.datetime, *, channel: str = "", top: int = 10
) -> tuple[list[HotspotRow], int]:
    """The hottest matters among the committee's items accepted in [start, end), and how many items were read.

    Cached for a few minutes per (committee, period, channel, top): grouping a few thousand items
    takes seconds.
    """
    key = f"assist:hot:{committee_id}:{start:%Y%m%d%H}:{end:%Y%m%d%H}:{channel}:{top}"
    cached = cache.get(key)
    if cached is None:
        qs = Item.objects.filter(committee_id=committee_id, accepted_at__gte=start, accepted_at__lt=end).exclude(
            status=Item.Status.DECLINED
        )
        if channel:
            qs = qs.filter(channel=channel)
        rows = list(
            qs.order_by("-accepted_at").values_list(
                "pk", "title", "text", "accepted_at", "channel", "source_type", "source_id", "area_id"
            )[:HOTSPOT_MAX_ITEMS]
        )
        # messages filed under different 村居 or 镇街 are never one hotspot unless they name one site
        place = area_paths() if any(r[7] for r in rows) else {}
        authors = item_authors((pk, ch, st, sid) for pk, _t, _x, _a, ch, st, sid, _area in rows)
        docs = [
            Doc(
                id=pk,
                title=title or "",
                text=(text or "")[:TEXT_CHARS],
                time=at,
                user=authors[pk],  # none: the item counts as its own author
                area=place.get(area_id, ()) if area_id else (),
            )
            for pk, title, text, at, _ch, _st, _sid, area_id in rows
        ]
        # posting times group citizens' messages (they come in bursts about one matter); a
        # session's proposals or a consultation's suggestions arrive together by design
        bursty = bursty_channels()
        by_time = all(ch in bursty for _pk, _t, _x, _a, ch, *_rest in rows)
        spots = insight_hotspots(docs, top, now=min(timezone.now(), end), by_time=by_time)
        cached = (
            [(h.rank, h.heat, h.period, h.place, h.description, [int(i) for i in h.ids]) for h in spots],
            len(rows),
        )
        cache.set(key, cached, HOTSPOT_CACHE_SECONDS)
    spots_data, n_items = cached
    ids = [i for s in spots_data for i in s[5]]
    by_id = Item.objects.select_related("area").in_bulk(ids)
    out = []
    for rank, heat, period, place, description, item_ids in spots_data:
        items = [by_id[i] for i in item_ids if i in by_id]
        areas = Counter(i.area.name for i in items if i.area_id)
        area = areas.most_common(1)[0][0] if areas else ""
        where = "，".join(p for p in (area, place) if p) or "—"
        out.append(HotspotRow(rank, heat, period, where, description, items))
    return out, n_items
