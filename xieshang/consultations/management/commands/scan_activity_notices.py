from django.core.management.base import BaseCommand

from xieshang.consultations.notices import scan_activity_notices


class Command(BaseCommand):
    help = "发送协商活动通知、材料提醒和纪要提醒（可重复运行，不会重复发送）。"

    def handle(self, *args, **options):
        counts = scan_activity_notices()
        self.stdout.write("，".join(f"{k} {v}" for k, v in counts.items()))
