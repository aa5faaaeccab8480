from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import calibrate
from ... import calibration as cal
from ...evaluation import read_gold
from ._common import dumps, load_corpus


class Command(BaseCommand):
    help = (
        "在同一事项标注集上拟合相似度→概率的校准表（保序回归），并以按事项对半交叉验证、"
        "语料重采样报告其稳定性；--write 写入平台使用的校准表。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True)
        parser.add_argument("--gold", required=True)
        parser.add_argument("--rounds", type=int, default=100, help="对半交叉验证的轮数")
        parser.add_argument("--resample", type=int, default=5, help="语料重采样的轮数（0 为不做）")
        parser.add_argument("--write", action="store_true", help="把拟合结果写入 insight/calibration.json")

    def handle(self, *args: Any, **opts: Any) -> None:
        docs = load_corpus(opts["corpus"])
        try:
            gold = read_gold(opts["gold"])
        except (OSError, KeyError, ValueError) as exc:
            raise CommandError(f"无法读取标注文件：{exc}") from exc
        if opts["rounds"] < 1:
            raise CommandError("--rounds 至少为 1。")
        ps = calibrate.pairs(docs, gold)
        if not any(p.label for p in ps):
            raise CommandError("标注集中的留言在语料里没有找到同一事项的配对，无法校准。")
        fitted = calibrate.fit(ps)
        report: dict[str, Any] = {
            "pairs": len(ps),
            "same_matter_pairs": sum(p.label for p in ps),
            "matters": len({p.matter for p in ps}),
            "other_author": fitted.other_author.as_dict(),
            "same_author": fitted.same_author.as_dict(),
            "score_likely": fitted.other_author.score_at(cal.LIKELY),
            "score_very_likely": fitted.other_author.score_at(cal.VERY_LIKELY),
            "cross_validated": calibrate.cross_validate(ps, rounds=opts["rounds"]),
        }
        if opts["resample"] > 0:
            report["resampled"] = calibrate.resample(docs, gold, rounds=opts["resample"])
        if opts["write"]:
            cal.TABLE.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            cal.default.cache_clear()
        self.stdout.write(dumps(report))
