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


def path_names() -> dict[int, str]:
    """{area id: the names from the top of the tree down to it, space-separated} (two queries)."""
    name = dict(Area.objects.values_list("id", "name"))
    return {i: " ".join(name[a] for a in p if a in name) for i, p in paths().items()}


def path_name(area_id: int) -> str:
    """The names from the top of the tree down to one area, space-separated ("" if there is none)."""
    area = Area.objects.select_related("parent__parent__parent").filter(pk=area_id).first()
    if area is None:
        return ""
    return " ".join([a.name for a in reversed(area.ancestors())] + [area.name])
