from django.core.management.base import BaseCommand

from xieshang.demo import opinions as demo
from xieshang.demo.organisations import demo_committee
from xieshang.opinions import selectors


class Command(BaseCommand):
    help = "生成 2022 年社情民意演示数据：640 篇信息（港澳委员 15 篇）、刊物、上级采用和 5 篇次领导批示（可重复运行）。"

    def handle(self, *args, **options):
        committee = demo_committee()
        if committee is None:
            self.stderr.write("未找到演示政协组织，请先运行 seed_demo。")
            return
        created = demo.seed(committee)
        f = selectors.year_figures(committee.pk, demo.YEAR)
        self.stdout.write(
            f"社情民意：新建 {created} 篇；{demo.YEAR} 年共 {f['reports']} 篇，采用 {f['adopted']} 篇，"
            f"港澳委员 {f['hk_macao_reports']} 篇，领导批示 {f['instructions']} 篇次，刊物 {f['issues']} 期。"
        )
