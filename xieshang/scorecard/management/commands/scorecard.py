"""``manage.py scorecard --committee chancheng --year 2022 --format json``: one committee-year's figures.

``--format png|pdf --output FILE`` draws the scorecard page with Chromium (``scorecard.export``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xieshang.core.errors import ServiceError
from xieshang.scorecard import selectors


class Command(BaseCommand):
    help = "打印一个政协委员会某一年度的成绩单（全部指标）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--committee", required=True, help="委员会标识（slug，如 chancheng）或编号")
        parser.add_argument("--year", required=True, help="年度，如 2022")
        parser.add_argument("--format", choices=["json", "text", "png", "pdf"], default="json")
        parser.add_argument("--output", help="png/pdf 的输出文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            committee = selectors.resolve_committee(options["committee"])
            year = selectors.check_year(committee, options["year"])
        except ServiceError as e:
            raise CommandError(e.message) from None
        if options["format"] in ("png", "pdf"):
            from xieshang.scorecard import export

            if not options["output"]:
                raise CommandError("导出 png 或 pdf 时请用 --output 指定输出文件。")
            try:
                body = export.render(committee, year, options["format"])
            except ServiceError as e:
                raise CommandError(e.message) from None
            with open(options["output"], "wb") as out:
                out.write(body)
            self.stdout.write(f"已导出 {options['output']}（{len(body)} 字节）")
            return
        data = selectors.as_json(committee, year)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for row in data["indicators"]:
            value = "—" if row["value"] is None else row["value"]
            self.stdout.write(f"{row['section']} {row['label']}: {value} {row['unit']} ({row['source']})")
