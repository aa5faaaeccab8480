"""Routing curve: how fast the platform learns a committee's own routing from its dispatchers.

    ./bench/run routing-curve [--data ../shared/data/routing/messages_dev.csv] [--seed 0] [--test 1000]
                              [--checkpoints 0,50,200,1000,5000] [--place-in-text 0.7]

A generated committee year: every message of the labelled file gets a 村居 of Chancheng (the real
division names in xieshang/areas/chancheng_divisions.json), named in the text for a share of the
messages (``--place-in-text``; otherwise only the item's area field knows it). A hidden assignment
policy decides the unit from the message's category *and* place, as a district does (属地管理):

* 城乡建设 goes to the 镇街 office of the message's street;
* 环境保护 goes to 南庄镇 for 南庄镇's messages, else to the environment bureau;
* 商贸旅游 goes to 张槎街道 for 张槎街道's messages, else to the economy bureau;
* every other category to its district bureau.

A dispatcher replays the year in order: the platform suggests up to three units, the dispatcher
accepts the first when it is right and otherwise corrects it (no dispatcher mistakes), and the
decision joins the committee's history. At each checkpoint the router is retrained as the
platform does (``insight.routing.train_router`` on (title, text, unit) of the history; below
``XIESHANG_ROUTING_MIN_HISTORY`` = 50 decisions, the shipped data with its categories mapped to the
committee's bureaus, ``insight.defaults.INSIGHT_CATEGORY_UNITS``) and scored on ``--test`` messages
set aside before the replay: top-1 and top-3 unit accuracy, against the baseline of always
suggesting the unit(s) most often chosen so far for the message's true category (an oracle on the
category). Three ways: the router given the item's title and text only (``text``); with the names
of the item's area before the title (``area``, what the platform does); and that, switching from
the shipped data to the history only once the history measurably routes better
(``area+choose``, what the platform's retraining does: ``insight.routing.compare_sources``).
Beyond the file's messages the replay reuses them with another place (printed as ``reused``).

Prints one JSON line per checkpoint and variant, then a summary line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from xieshang.insight.defaults import INSIGHT_CATEGORY_UNITS  # noqa: E402
from xieshang.insight.routing import compare_sources, train_router  # noqa: E402

MIN_HISTORY = 50
STREET_OFFICE = "{street}办事处"
ENV_BUREAU = INSIGHT_CATEGORY_UNITS["环境保护"]
ECON_BUREAU = INSIGHT_CATEGORY_UNITS["商贸旅游"]


def policy(category: str, street: str) -> str:
    if category == "城乡建设":
        return STREET_OFFICE.format(street=street)
    if category == "环境保护" and street == "南庄镇":
        return STREET_OFFICE.format(street=street)
    if category == "商贸旅游" and street == "张槎街道":
        return STREET_OFFICE.format(street=street)
    return INSIGHT_CATEGORY_UNITS.get(category, category)


def places() -> list[tuple[str, str]]:
    data = json.loads((ROOT / "xieshang" / "areas" / "chancheng_divisions.json").read_text(encoding="utf-8"))
    streets = {s["code"]: s["name"] for s in data["streets"]}
    return [
        (streets[v["street"]], v["name"].removesuffix("居委会").removesuffix("委员会")) for v in data["communities"]
    ]


def read(path: Path) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [(r["title"], r["detail"], r["label"].strip()) for r in csv.DictReader(fh) if r["label"].strip()]


def main() -> None:
    default = Path(os.environ.get("XIESHANG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "routing"
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(default / "messages_dev.csv"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test", type=int, default=1000)
    ap.add_argument("--checkpoints", default="0,50,200,1000,5000")
    ap.add_argument("--place-in-text", type=float, default=0.7)
    args = ap.parse_args()
    if not Path(args.data).is_file():
        sys.exit(f"找不到数据文件：{args.data}")
    checkpoints = sorted({int(x) for x in args.checkpoints.split(",")})
    rng = random.Random(args.seed)
    rows = read(Path(args.data))
    rng.shuffle(rows)
    where = places()

    def item(title: str, text: str, category: str) -> dict[str, str]:
        street, village = rng.choice(where)
        if rng.random() < args.place_in_text:
            text = f"{street}{village}居民反映：{text}"
        return {
            "title": title,
            "text": text,
            "category": category,
            "street": street,
            "area": f"{street}{village}",
            "unit": policy(category, street),
        }

    test = [item(*r) for r in rows[: args.test]]
    pool = rows[args.test :]
    need = max(checkpoints)
    replay = [item(*pool[i % len(pool)]) for i in range(need)]
    reused = max(0, need - len(pool))

    shipped = [r for r in rows[args.test :] if r[2] in INSIGHT_CATEGORY_UNITS]

    def title_of(it: dict[str, str], variant: str) -> str:
        return f"{it['area']} {it['title']}" if variant.startswith("area") else it["title"]

    shipped_model = train_router(
        [t for t, _x, _c in shipped], [x for _t, x, _c in shipped], [INSIGHT_CATEGORY_UNITS[c] for _t, _x, c in shipped]
    )
    chosen_history = {"area+choose": False}

    def train(history: list[dict[str, str]], variant: str):  # type: ignore[no-untyped-def]
        if len(history) < MIN_HISTORY or len({h["unit"] for h in history}) < 2:
            return shipped_model, "shipped"
        samples = [(title_of(h, variant), h["text"], h["unit"]) for h in history]
        if variant == "area+choose" and not chosen_history[variant]:
            # as the platform's retraining does (insight.services.router_training_run)
            if compare_sources(samples, shipped_model)["source"] == "shipped":
                return shipped_model, "shipped"
            chosen_history[variant] = True
        return train_router(*map(list, zip(*samples, strict=True))), "history"

    def top3(model, its: list[dict[str, str]], variant: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
        scores = model.scores([title_of(i, variant) for i in its], [i["text"] for i in its])
        return [[model.labels[j] for j in row.argsort()[::-1][:3]] for row in scores]

    summary: dict[str, dict[int, tuple[float, float]]] = defaultdict(dict)
    for variant in ("text", "area", "area+choose"):
        model = None
        accepted = 0
        by_category: dict[str, Counter[str]] = defaultdict(Counter)
        done = 0
        for cp in checkpoints:
            # the dispatcher works through the replay up to this checkpoint with the model of the last one
            while done < cp:
                it = replay[done]
                if model is not None and top3(model, [it], variant)[0][:1] == [it["unit"]]:
                    accepted += 1
                by_category[it["category"]][it["unit"]] += 1
                done += 1
            t0 = time.perf_counter()
            model, source = train(replay[:done], variant)
            train_s = time.perf_counter() - t0
            preds = top3(model, test, variant)
            top1 = sum(p[:1] == [t["unit"]] for p, t in zip(preds, test, strict=True)) / len(test)
            top3_acc = sum(t["unit"] in p for p, t in zip(preds, test, strict=True)) / len(test)
            base = [
                [u for u, _n in by_category[t["category"]].most_common(3)] or [INSIGHT_CATEGORY_UNITS[t["category"]]]
                for t in test
            ]
            b1 = sum(b[:1] == [t["unit"]] for b, t in zip(base, test, strict=True)) / len(test)
            b3 = sum(t["unit"] in b for b, t in zip(base, test, strict=True)) / len(test)
            summary[variant][cp] = (round(top1, 4), round(top3_acc, 4))
            print(
                json.dumps(
                    {
                        "variant": variant,
                        "decisions": cp,
                        "trained_on": source,
                        "top1": round(top1, 4),
                        "top3": round(top3_acc, 4),
                        "baseline_top1": round(b1, 4),
                        "baseline_top3": round(b3, 4),
                        "accepted_share_so_far": round(accepted / done, 4) if done else None,
                        "train_seconds": round(train_s, 2),
                        "test": len(test),
                        "reused": min(reused, max(0, cp - len(pool))),
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
    print(
        json.dumps(
            {
                "summary": {v: {str(k): s for k, s in d.items()} for v, d in summary.items()},
                "units": len({t["unit"] for t in test}),
                "seed": args.seed,
                "place_in_text": args.place_in_text,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
