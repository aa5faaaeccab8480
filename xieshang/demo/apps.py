from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo committee's generators and ``seed_demo``: installed by the demo and test settings only."""

    name = "xieshang.demo"
    label = "demo"
    verbose_name = "演示数据"
