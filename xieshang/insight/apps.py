from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "xieshang.insight"
    label = "insight"
    verbose_name = "智能辅助"
