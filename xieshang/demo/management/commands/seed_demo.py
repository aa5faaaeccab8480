"""Build the demo committee (禅城区政协), then run every ``seed_demo_<name>`` command (the channels' demo years)."""

from __future__ import annotations

import os

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from xieshang.demo import organisations as demo


class Command(BaseCommand):
    help = "生成演示数据：禅城区政协、届次、界别、承办单位、各角色账号、委员和群众留言（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD") or demo.DEFAULT_PASSWORD,
            help="演示账号的密码（默认取环境变量 DEMO_PASSWORD）",
        )
        parser.add_argument("--no-messages", action="store_true", help="不生成群众留言")
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号")

    def handle(self, *args, password: str, no_messages: bool = False, quiet_logins: bool = False, **opts):
        report = demo.seed(password=password, messages=not no_messages)
        made = "，".join(f"{k} {v}" for k, v in report.created.items() if v) or "无（数据已存在）"
        self.stdout.write(f"演示数据：新建 {made}")
        # The channels' demo years (and any other seed_demo_<name>) run after the committee and people exist.
        for name in sorted(get_commands()):
            if name.startswith("seed_demo_"):
                self.stdout.write(f"运行 {name} …")
                call_command(name, stdout=self.stdout, stderr=self.stderr)
        self._train_router()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号（角色 / 用户名 / 密码）：")
            accounts = demo.logins(password)
            width = max(len(u) for _, u, _ in accounts)
            for label, username, pw in accounts:
                self.stdout.write(f"  {username.ljust(width)}  {pw}  {label}")

    def _train_router(self) -> None:
        """Once the demo year's assignments exist, the office retrains the routing model on them, as
        the 智能交办模型 page does (a background task; the demo's worker runs it)."""
        from xieshang.handling import assist
        from xieshang.insight.models import RouterTraining

        committee = demo.demo_committee()
        if committee is None or RouterTraining.objects.exists():
            return
        run, started = assist.training_start(committee.pk)
        if started and run is not None:
            self.stdout.write(f"智能交办模型：按本会历史交办记录训练（第 {run.pk} 次）")
