"""Metrics for the same-matter gold set (messageboard/samematter_dev.csv format).

The gold set labels only some messages: matter members and hard negatives (same place or same
template text, different matter). Following its definition, metrics are computed on gold members:

* recall@5: for each member, the share of the other members of its matter found among its top 5
  (out of min(5, others)); averaged over members.
* precision: for each member, the share of its top min(group - 1, 10) that are members of its
  matter; averaged over members.
* B-cubed F1 of the ``matters`` groups restricted to gold messages (members and hard negatives;
  a hard negative that belongs to no matter is its own class).

Rankings are judged in two ways: ``judged`` drops unlabelled messages from each ranking before
cutting it (the gold set does not say whether they are the same matter), ``strict`` counts them
as wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .documents import Doc
from .matters import build_index, group_matters, similar_in_corpus

# How deep each ranking is read: judged metrics drop unlabelled messages before cutting at 10.
RANK_DEPTH = 40


@dataclass(frozen=True)
class Gold:
    members: dict[str, set[str]]  # matter id -> member message ids
    matter_of: dict[str, str]  # message id -> matter id (members only)
    judged: set[str]  # every message id named in the gold file


def read_gold(path: Path | str) -> Gold:
    """Read a gold CSV with columns matter_id, 留言编号, role (member or hard_negative)."""
    members: dict[str, set[str]] = defaultdict(set)
    judged: set[str] = set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            mid = (row.get("留言编号") or row.get("id") or "").strip()
            if not mid:
                continue
            judged.add(mid)
            if (row.get("role") or "member").strip() == "member":
                members[row["matter_id"].strip()].add(mid)
    matter_of = {m: k for k, ids in members.items() for m in ids}
    return Gold(dict(members), matter_of, judged)


def ranking_metrics(gold: Gold, rank: Callable[[str], Sequence[str]]) -> dict[str, float]:
    """recall@5 and precision (judged and strict) given ``rank(id)`` -> ids most similar first."""
    sums = defaultdict(float)
    n = 0
    for ids in gold.members.values():
        for m in ids:
            others = ids - {m}
            if not others:
                continue
            n += 1
            ranked = [r for r in rank(m) if r != m]
            k_p = min(len(others), 10)
            k_r = min(len(others), 5)
            for mode, lst in (("strict", ranked), ("judged", [r for r in ranked if r in gold.judged])):
                sums[f"recall@5_{mode}"] += len(set(lst[:5]) & others) / k_r
                sums[f"precision_{mode}"] += sum(1 for r in lst[:k_p] if r in others) / k_p
    return {k: v / n for k, v in sums.items()} if n else {}


def bcubed(gold: Gold, groups: Iterable[Sequence[str]]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of ``groups`` on gold messages."""
    cluster: dict[str, int] = {}
    for g, ids in enumerate(groups):
        for i in ids:
            if i in gold.judged:
                cluster[i] = g
    items = sorted(gold.judged)
    label = {i: gold.matter_of.get(i, "neg:" + i) for i in items}
    # messages left out of every group are singletons
    cid = {i: cluster.get(i, -1 - k) for k, i in enumerate(items)}
    by_cluster: dict[int, list[str]] = defaultdict(list)
    by_label: dict[str, list[str]] = defaultdict(list)
    for i in items:
        by_cluster[cid[i]].append(i)
        by_label[label[i]].append(i)
    p = r = 0.0
    for i in items:
        same_c = by_cluster[cid[i]]
        same_l = by_label[label[i]]
        both = sum(1 for j in same_c if label[j] == label[i])
        p += both / len(same_c)
        r += both / len(same_l)
    p /= len(items) or 1
    r /= len(items) or 1
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": f}


def same_matter_report(docs: Sequence[Doc], gold: Gold) -> dict[str, float]:
    """Ranking metrics of the ``similar`` lists and B-cubed of the ``matters`` groups of ``docs``,
    computed with the code those commands use; values rounded to 4 places."""
    index = build_index(docs)
    ranked = {str(i): [str(x) for x, _ in hits] for i, hits in similar_in_corpus(docs, RANK_DEPTH, index=index)}
    result = {k: round(v, 4) for k, v in ranking_metrics(gold, lambda i: ranked.get(i, [])).items()}
    groups = [[str(i) for i in g] for g in group_matters(docs, index=index)]
    result.update({k: round(v, 4) for k, v in bcubed(gold, groups).items()})
    result["n_groups"] = len(groups)
    return result
