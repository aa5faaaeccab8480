from django.core.management.base import BaseCommand

from xieshang.demo import scorecard as demo
from xieshang.demo.organisations import demo_committee


class Command(BaseCommand):
    help = "录入 2022 年成绩单中来自平台以外的数据（城市大脑相关三项，注明数据来源；可重复运行）。"

    def handle(self, *args, **options):
        committee = demo_committee()
        if committee is None:
            self.stderr.write("未找到演示政协组织，请先运行 seed_demo。")
            return
        entered = demo.seed_manual_figures(committee, year=2022)
        self.stdout.write(f"成绩单：录入平台以外的数据 {entered} 项（共 {len(demo.FIGURES)} 项，均注明来源）。")
