"""Copy the front-end files the pages use from node_modules/ (installed by npm ci) into static/vendor/."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "从 node_modules 复制前端依赖文件到 static/vendor（先运行 npm ci）。"

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        for src, dest in settings.VENDOR_ASSETS.items():
            source = root / "node_modules" / src
            if not source.exists():
                raise CommandError(f"缺少前端依赖 {source}，请先在项目根目录运行 npm ci。")
            target = root / "static" / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.stdout.write(f"{src} -> static/{dest}")
