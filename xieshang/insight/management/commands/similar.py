from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...matters import similar_in_corpus
from ._common import dumps, load_corpus


class Command(BaseCommand):
    help = "每条留言最相似的其他留言（JSON lines：id 与 similar 列表，按相似度从高到低，不含自身）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True)
        parser.add_argument("--top", type=int, default=10)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["top"] < 1:
            raise CommandError("--top 必须是正整数。")
        docs = load_corpus(opts["corpus"])
        for doc_id, hits in similar_in_corpus(docs, opts["top"]):
            self.stdout.write(dumps({"id": doc_id, "similar": [{"id": i, "score": s} for i, s in hits]}))
