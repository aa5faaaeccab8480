from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...evaluation import bcubed, ranking_metrics, read_gold
from ...matters import build_index, group_matters
from ._common import dumps, load_corpus


class Command(BaseCommand):
    help = "在同一事项标注集上评估：recall@5、前 min(组大小-1,10) 条精确率、B-cubed F1。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True)
        parser.add_argument("--gold", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        docs = load_corpus(opts["corpus"])
        try:
            gold = read_gold(opts["gold"])
        except (OSError, KeyError, ValueError) as exc:
            raise CommandError(f"无法读取标注文件：{exc}") from exc
        index = build_index(docs)
        by_id = {str(d.id): d for d in docs}

        def rank(i: str) -> list[str]:
            d = by_id.get(i)
            if d is None:
                return []
            return [str(x) for x, _ in index.query(d.text, top=40, exclude=[d.id], title=d.title, author=d.user)]

        result: dict[str, float] = {k: round(v, 4) for k, v in ranking_metrics(gold, rank).items()}
        groups = [[str(i) for i in g] for g in group_matters(docs, index=index)]
        result.update({k: round(v, 4) for k, v in bcubed(gold, groups).items()})
        self.stdout.write(dumps(result))
