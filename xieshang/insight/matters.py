"""Same-matter groups (merge suggestions) and hotspots (热点问题表) over a set of messages."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from . import text as tx
from .documents import Doc
from .similarity import SAME_AUTHOR_MAX, SAME_AUTHOR_SHARE, SAME_MATTER_THRESHOLD, DocId, SimilarityIndex

NEIGHBOURS = 15
# Two groups merge when the mean score of the pairs found between them reaches this share of the
# same-matter threshold; it stops one loose pair from chaining two matters together.
LINK_MEAN = 0.3
# Messages about one matter come in bursts (a site's works, an incident, a platform's collapse):
# on the dev gold set the members of a matter were posted a median 29 days apart, a matter's hard
# negatives (same place or template, another matter) 83 days from its members. A pair's score is
# multiplied by 1 + TIME_LIFT x exp(-days apart / TIME_SCALE_DAYS) when both documents have a time.
# That holds for messages from the public over months; a session's proposals or a consultation's
# suggestions arrive together by design, so their grouping is asked for without it (``by_time``).
TIME_LIFT = 0.5
TIME_SCALE_DAYS = 30.0


def build_index(docs: Sequence[Doc]) -> SimilarityIndex:
    """An index over ``docs`` (every term kept: the corpus is small)."""
    return SimilarityIndex(max_terms=0, query_terms=0).build((d.id, d.title, d.text, d.user) for d in docs)


def neighbours(docs: Sequence[Doc], index: SimilarityIndex, top: int) -> dict[DocId, list[tuple[DocId, float]]]:
    """Each document's ``top`` most similar others in the index, by cosine (shared-neighbour
    re-ranking did not help grouping on the dev gold set)."""
    return {d.id: index.query(d.text, top=top, exclude=[d.id], title=d.title, rerank=False) for d in docs}


def _key(a: DocId, b: DocId) -> tuple[DocId, DocId]:
    return (a, b) if str(a) < str(b) else (b, a)


def same_author_pairs(docs: Sequence[Doc], index: SimilarityIndex, limit: float) -> dict[tuple[DocId, DocId], float]:
    """Pairs of documents by the same author (``Doc.user``) scoring at least ``limit`` x
    ``SAME_AUTHOR_SHARE``, each lifted to at least ``limit``."""
    by_author: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        author = (d.user or "").strip()
        if author:
            by_author[author].append(d)
    out: dict[tuple[DocId, DocId], float] = {}
    for group in by_author.values():
        if not 2 <= len(group) <= SAME_AUTHOR_MAX:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.id == b.id:
                    continue
                s = index.pair_score((a.title, a.text), (b.title, b.text))
                if s >= limit * SAME_AUTHOR_SHARE:
                    out[_key(a.id, b.id)] = max(s, limit)
    return out


def time_lift(a: datetime | None, b: datetime | None) -> float:
    """The factor of a pair's score for documents posted at ``a`` and ``b`` (1 when one is unknown)."""
    if a is None or b is None:
        return 1.0
    try:
        days = abs((a - b).total_seconds()) / 86400
    except TypeError:  # one aware, one naive: the gap is unknown
        return 1.0
    return 1.0 + TIME_LIFT * math.exp(-days / TIME_SCALE_DAYS)


def group_matters(
    docs: Sequence[Doc],
    *,
    threshold: float | None = None,
    index: SimilarityIndex | None = None,
    by_time: bool = True,
) -> list[list[DocId]]:
    """Groups of two or more documents about the same concrete matter, largest first.

    Pairs among each document's nearest neighbours, their score lifted when they were posted
    close in time (``time_lift``), scoring at least ``threshold``, and pairs by the same author
    scoring at least ``SAME_AUTHOR_SHARE`` of it (``same_author_pairs``), are linked best first;
    two groups join only if the mean score over the pairs linking them (pairs not found count as
    zero) stays at or above ``threshold`` times ``LINK_MEAN`` (average linkage). Documents without
    a time (``Doc.time`` None), and all documents when ``by_time`` is false, are grouped by text
    alone.
    """
    limit = SAME_MATTER_THRESHOLD if threshold is None else threshold
    docs = list(docs)
    if len(docs) < 2:
        return []
    index = index or build_index(docs)
    near = neighbours(docs, index, NEIGHBOURS)
    when = {d.id: d.time for d in docs} if by_time else {}
    pair: dict[tuple[DocId, DocId], float] = {}
    for a, lst in near.items():
        for b, s in lst:
            key = _key(a, b)
            pair[key] = max(pair.get(key, 0.0), s * time_lift(when.get(a), when.get(b)))
    for key, s in same_author_pairs(docs, index, limit).items():
        pair[key] = max(pair.get(key, 0.0), s)
    parent: dict[DocId, DocId] = {d.id: d.id for d in docs}
    members: dict[DocId, list[DocId]] = {d.id: [d.id] for d in docs}
    apart = _apart(docs)

    def find(x: DocId) -> DocId:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), s in sorted(pair.items(), key=lambda kv: -kv[1]):
        if s < limit:
            break
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members[ra], members[rb]
        if apart is not None and any(apart(x, y) for x in ma for y in mb):
            continue
        total = sum(pair.get(_key(x, y), 0.0) for x in ma for y in mb)
        if total / (len(ma) * len(mb)) < limit * LINK_MEAN:
            continue
        parent[rb] = ra
        members[ra] = ma + mb
        del members[rb]
    groups = [sorted(m, key=str) for m in members.values() if len(m) > 1]
    return sorted(groups, key=lambda g: (-len(g), str(g[0])))


# The shortest name that identifies a site (文华路, 澜石社区); shorter ones are kinds (小区, 工厂).
SITE_NAME_MIN = 3


def areas_part(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether two places (paths down the area tree) are different sites: both known and neither
    contains the other (two 村居, or two 镇街; a 村居 and its own 镇街 do not part)."""
    if not a or not b:
        return False
    n = min(len(a), len(b))
    return a[:n] != b[:n]


def _apart(docs: Sequence[Doc]) -> Callable[[DocId, DocId], bool] | None:
    """``apart(x, y)``: the two documents were filed under places that part ways and their texts
    name no common site (``text.entities``), so they are not one matter however alike their words
    (a street-lamp complaint in 澜石社区 and one in 东城社区). None when no document has a place."""
    area = {d.id: d.area for d in docs if d.area}
    if not area:
        return None
    names: dict[DocId, set[str]] = {}

    def sites(x: DocId) -> set[str]:
        if x not in names:
            d = by_id[x]
            found = tx.entities(tx.clean(d.title) + "。" + tx.clean(d.text))
            # a site is named specifically: not "某…", not a bare kind such as 针织厂
            names[x] = {n for n in found if len(n) >= SITE_NAME_MIN and not n.startswith("某")}
        return names[x]

    by_id = {d.id: d for d in docs}

    def apart(x: DocId, y: DocId) -> bool:
        if not areas_part(area.get(x, ()), area.get(y, ())):
            return False
        return not (sites(x) & sites(y))

    return apart


# Within a corpus, the messages grouped with a message (``group_matters``) are lifted by this in its
# ranking: a matter's members found through one another come before a look-alike from another
# matter. On the dev gold set lifts of 0.01-0.03 and of 0.05-1.0 gave two plateaus (judged precision
# 0.972 and 0.974 against 0.966, on both halves); 0.05 is the smaller of the upper one.
GROUP_LIFT = 0.05
# How many candidates a ranking re-orders before cutting to ``top``.
GROUP_POOL = 60


def similar_in_corpus(
    docs: Sequence[Doc], top: int = 10, *, index: SimilarityIndex | None = None
) -> Iterator[tuple[DocId, list[tuple[DocId, float]]]]:
    """Each document's ``top`` most similar others in ``docs``, best first: the index's ranking
    (``SimilarityIndex.query``) of its best ``GROUP_POOL``, with the documents of its same-matter
    group lifted by ``GROUP_LIFT``."""
    docs = list(docs)
    index = index or build_index(docs)
    group_of: dict[DocId, int] = {}
    for k, ids in enumerate(group_matters(docs, index=index)):
        for i in ids:
            group_of[i] = k
    for d in docs:
        hits = index.query(d.text, top=max(top, GROUP_POOL), exclude=[d.id], title=d.title, author=d.user)
        mine = group_of.get(d.id)
        if mine is not None:
            hits = [(i, round(s + GROUP_LIFT, 4) if group_of.get(i) == mine else s) for i, s in hits]
            hits.sort(key=lambda hs: -hs[1])
        yield d.id, hits[:top]


@dataclass(frozen=True)
class Hotspot:
    rank: int
    heat: float
    ids: list[DocId]
    period: str
    place: str
    description: str


_PLACE_HINT = re.compile(r"([A-Z][0-9]{0,2}(?:市|区|县))")


def heat_index(group: Sequence[Doc], now: datetime | None) -> float:
    """Heat of a group: how many people raise it, volume, support (likes - dislikes/2), spread over
    days and recency.

    heat = ln(1 + people) * 10 + ln(1 + n) * 3 + ln(1 + support) * 3 + ln(1 + active days) * 2
           + recency, with recency = 5 * exp(-days since last / 90).

    People are distinct authors (``Doc.user``); a document without one counts as its own person.
    A hotspot is what many people raise: one citizen filing dozens of messages from one template,
    each about another project, is not one.
    """
    n = len(group)
    support = sum(max(0.0, d.likes - d.dislikes / 2) for d in group)
    people = len({(d.user or "").strip() or ("#", d.id) for d in group})
    times = sorted(d.time for d in group if d.time)
    days = len({t.date() for t in times})
    recency = 0.0
    if times and now:
        age = max(0.0, (now - times[-1]).total_seconds() / 86400)
        recency = 5 * math.exp(-age / 90)
    return round(
        10 * math.log1p(people) + 3 * math.log1p(n) + 3 * math.log1p(support) + 2 * math.log1p(days) + recency, 2
    )


# How much less often than the most shared name the description's own name may be raised.
PLACE_SHARE = 4


def _describe(group: Sequence[Doc]) -> tuple[str, str]:
    """(place, description) of a group: the most shared named thing and the most typical title."""
    names: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for d in group:
        title = tx.clean(d.title)
        head = title + "。" + tx.clean(d.text)[:300]
        # a name in a title counts twice: titles name the matter
        names.update(set(tx.entities(head)))
        names.update(set(tx.entities(title)))
        places.update(set(_PLACE_HINT.findall(head)))
    # compared in their normalised form, shown as written (full-width ：，（） stay full-width)
    titles = [(tx.clean(d.title), tx.collapse_spaces(d.title)) for d in group if tx.clean(d.title)]
    if titles:
        grams = Counter(g for t, _ in titles for g in set(tx.char_ngrams(t, (2,))))
        description = max(
            titles,
            key=lambda tw: (sum(grams[g] for g in set(tx.char_ngrams(tw[0], (2,)))) / (len(tw[0]) or 1), -len(tw[0])),
        )[1]
    else:
        description = tx.collapse_spaces(group[0].text)[:40]
    place = _place_of(names, len(group), tx.strip_noise(tx.clean(description)))
    area = places.most_common(1)[0][0] if places else ""
    if area and place:
        place = f"{area}{place}" if not place.startswith(area) else place
    elif area:
        place = area
    return place, description[:60]


# A project word after a name (伊景园滨河苑项目): the name without it is the place.
_PROJECT_WORD = re.compile(r"(?:项目|工程|地块|楼盘)$")


def _place_of(names: Counter[str], n: int, description: str) -> str:
    """The group's place: the most shared name, unless a name almost as shared is the one the
    description (the group's typical title) gives, as when the developer (广铁集团) is named more
    often than the estate the matter is about."""
    ranked = names.most_common()
    if not ranked:
        return ""
    best, count = ranked[0]
    if count < 3 and n > 1:
        return ""
    for name, c in ranked:
        if c < max(3, count / PLACE_SHARE):
            break
        bare = _PROJECT_WORD.sub("", name)
        if name in description:
            return name
        if len(bare) >= 3 and bare in description:
            return bare
    return best


def hotspots(docs: Sequence[Doc], top: int = 5, *, now: datetime | None = None, by_time: bool = True) -> list[Hotspot]:
    """The ``top`` hottest matters among ``docs`` (groups of two or more, ranked by heat); see
    ``group_matters`` for ``by_time``."""
    docs = [d for d in docs if tx.is_meaningful(tx.clean(d.title) + tx.clean(d.text))]
    if not docs or top <= 0:
        return []
    by_id = {d.id: d for d in docs}
    latest = max((d.time for d in docs if d.time), default=None)
    now = now or latest
    scored = []
    for ids in group_matters(docs, by_time=by_time):
        group = [by_id[i] for i in ids]
        scored.append((heat_index(group, now), group))
    scored.sort(key=lambda hg: (-hg[0], str(hg[1][0].id)))
    out = []
    for rank, (heat, group) in enumerate(scored[:top], start=1):
        times = sorted(d.time for d in group if d.time)
        period = f"{times[0]:%Y/%m/%d} 至 {times[-1]:%Y/%m/%d}" if times else ""
        place, description = _describe(group)
        order = sorted(group, key=lambda d: (d.time is None, d.time or datetime.min, str(d.id)))
        out.append(Hotspot(rank, heat, [d.id for d in order], period, place, description))
    return out
