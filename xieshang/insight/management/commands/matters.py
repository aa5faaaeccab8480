from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...matters import group_matters
from ._common import dumps, load_corpus


class Command(BaseCommand):
    help = '同一事项的留言分组（两条及以上），输出 JSON {"groups": [[id, ...], ...]}。'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        docs = load_corpus(opts["corpus"])
        self.stdout.write(dumps({"groups": group_matters(docs)}))
