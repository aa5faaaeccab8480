from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...matters import hotspots
from ._common import dumps, load_corpus


class Command(BaseCommand):
    help = '热点问题表：按热度排序的同一事项留言组，输出 JSON {"hotspots": [...]}。'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True)
        parser.add_argument("--top", type=int, default=5)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["top"] < 1:
            raise CommandError("--top 必须是正整数。")
        docs = load_corpus(opts["corpus"])
        self.stdout.write(dumps({"hotspots": [asdict(h) for h in hotspots(docs, opts["top"])]}))
