"""Reads of the area tree."""

from __future__ import annotations

from .models import Area


def paths() -> dict[int, tuple[int, ...]]:
    """{area id: ids from the top of the tree down to it} for every area (one query)."""
    parent = dict(Area.objects.values_list("id", "parent_id"))
    out: dict[int, tuple[int, ...]] = {}

    def path(i: int) -> tuple[int, ...]:
        if i not in out:
            chain = [i]
            seen = {i}
            p = parent.get(i)
            while p is not None and p not in seen:
                chain.append(p)
                seen.add(p)
                p = parent.get(p)
            out[i] = tuple(reversed(chain))
        return out[i]

    for i in parent:
        path(i)
    return out
