"""Build the demo committee (禅城区政协) and then every app's own ``seed_demo_<app>`` command."""

from __future__ import annotations

import os

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from xieshang.organisations import demo


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
        # Other apps add their own demo records; they run after the committee and people exist.
        for name in sorted(get_commands()):
            if name.startswith("seed_demo_"):
                self.stdout.write(f"运行 {name} …")
                call_command(name, stdout=self.stdout, stderr=self.stderr)
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号（角色 / 用户名 / 密码）：")
            width = max(len(u) for _, u, _ in report.logins)
            for label, username, pw in report.logins:
                self.stdout.write(f"  {username.ljust(width)}  {pw}  {label}")
