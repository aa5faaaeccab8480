from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "xieshang.workdays"
    label = "workdays"
    verbose_name = "工作日"
