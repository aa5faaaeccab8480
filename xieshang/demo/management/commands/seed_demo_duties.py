from django.core.management.base import BaseCommand

from xieshang.core import indicators
from xieshang.demo import duties as demo
from xieshang.demo.organisations import demo_committee


class Command(BaseCommand):
    help = "生成 2022 年委员履职演示数据：学习、培训、读书活动、考勤请假、制度、表彰、风采和媒体报道（可重复运行）。"

    def handle(self, *args, **options):
        committee = demo_committee()
        if committee is None:
            self.stderr.write("未找到演示政协组织，请先运行 seed_demo。")
            return
        year = 2022
        made = demo.seed_duties(committee, year=year)
        if not made:
            self.stdout.write(f"委员履职：{year} 年的演示记录已存在，未重复生成。")
        figures = "，".join(
            f"{indicators.get(key).label} {indicators.get(key).compute(committee, year)}" for key in demo.FIGURES
        )
        self.stdout.write(f"委员履职 {year} 年：{figures}。")
