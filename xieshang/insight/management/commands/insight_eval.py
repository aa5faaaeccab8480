from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...evaluation import read_gold, same_matter_report
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
        self.stdout.write(dumps(same_matter_report(docs, gold)))
