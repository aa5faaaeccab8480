"""Write the Traditional Chinese catalogues (zh_Hant) from the Simplified ones; see ``xieshang.core.hant``."""

from django.core.management.base import BaseCommand, CommandError

from xieshang.core import hant


class Command(BaseCommand):
    help = "由简体中文词条（zh_Hans）用 OpenCC s2hk 生成繁体中文词条（zh_Hant）；标记 reviewed 的词条保留人工修改。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不写文件；繁体词条不是最新时退出码为 1。")

    def handle(self, *args, **options):
        if options["check"]:
            stale = hant.stale()
            if stale:
                raise CommandError("繁体词条不是最新，请运行 manage.py make_hant：" + "、".join(map(str, stale)))
            return
        for path in hant.write_all():
            self.stdout.write(f"已生成 {path}")
