"""Reminders, overdue flags, auto-escalation and auto-closing; safe to run as often as you like."""

import json
import time

from django.core.management.base import BaseCommand

from xieshang.handling import services


class Command(BaseCommand):
    help = "扫描办理期限：到期提醒、超期标记、自动上报、逾期未评价自动办结（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="每隔多少秒重复一次（0 表示只运行一次）")

    def handle(self, *args, loop: int = 0, **opts):
        while True:
            self.stdout.write(json.dumps(services.scan_deadlines(), ensure_ascii=False))
            if not loop:
                return
            time.sleep(loop)
