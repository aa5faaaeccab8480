from django.core.management.base import BaseCommand

from xieshang.consultations import selectors
from xieshang.demo import consultations as demo
from xieshang.demo.organisations import demo_committee


class Command(BaseCommand):
    help = "生成 2022 年“有事禅商量”演示数据：视察、调研报告、协商会、微协商、专家、135 条建议及转化（可重复运行）。"

    def handle(self, *args, **options):
        committee = demo_committee()
        if committee is None:
            self.stderr.write("未找到演示政协组织，请先运行 seed_demo。")
            return
        created = demo.seed(committee)
        f = selectors.year_figures(committee.pk, demo.YEAR)
        self.stdout.write(
            f"有事禅商量：新建建议 {created} 条；{demo.YEAR} 年专项视察 {f['inspections']} 次，调研报告 "
            f"{f['research_reports']} 篇，协商议政会议 {f['meetings']} 次，微视察微协商 {f['micro']} 次，"
            f"邀请专家 {f['experts']} 名，收集建议 {f['suggestions_collected']} 条，转化为部门工作举措 "
            f"{f['suggestions_converted']} 条。"
        )
