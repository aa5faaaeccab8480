from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "xieshang.handling"
    label = "handling"
    verbose_name = "办理闭环"

    def ready(self) -> None:
        from xieshang.workdays.signals import calendar_changed

        from .tasks import recompute_deadlines

        calendar_changed.connect(
            lambda **kw: recompute_deadlines.enqueue(), weak=False, dispatch_uid="handling_recompute"
        )
