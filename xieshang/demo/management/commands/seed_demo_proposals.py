"""Demo proposals of 2022 for 禅城区政协, through the services (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xieshang.demo import proposals as demo


class Command(BaseCommand):
    help = "生成 2022 年度提案演示数据（立案 194 件、并案后交办 153 件等，均由逐条记录计算得出；可重复运行）。"

    def handle(self, *args, **opts):
        try:
            result = demo.seed()
        except demo.SeedError as exc:
            raise CommandError(str(exc)) from exc
        if "existing" in result:
            self.stdout.write(f"提案演示数据已存在（{result['existing']} 件立案提案），未重复创建。")
        else:
            self.stdout.write(f"提案演示数据：立案 {result['filed']} 件，并案后交办 {result['items']} 件。")
