from django.core.management.base import BaseCommand

from xieshang.core import indicators
from xieshang.demo import outreach as demo
from xieshang.demo.organisations import demo_committee
from xieshang.outreach.models import Visit


class Command(BaseCommand):
    help = "生成 2022 年联系群众演示数据：联系站接待、挂点联系企业（三走）、督导组和志愿服务队（可重复运行）。"

    def handle(self, *args, **options):
        committee = demo_committee()
        if committee is None:
            self.stderr.write("未找到演示政协组织，请先运行 seed_demo。")
            return
        year = 2022
        if Visit.objects.filter(station__committee=committee, visited_on__year=year).exists():
            self.stdout.write(f"联系群众：{year} 年的演示记录已存在，未重复生成。")
        else:
            demo.seed_outreach(committee, year=year)
        figures = "，".join(
            f"{indicators.get(key).label} {indicators.get(key).compute(committee, year)}" for key in demo.TARGETS
        )
        self.stdout.write(f"联系群众 {year} 年：{figures}。")
