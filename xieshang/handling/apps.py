from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "xieshang.handling"
    label = "handling"
    verbose_name = "办理闭环"

    def ready(self) -> None:
        from xieshang.core.views import register_home_cards
        from xieshang.workdays.signals import calendar_changed

        from . import home
        from .tasks import recompute_deadlines

        register_home_cards("handling-unit", ("unit",), home.unit_cards)
        register_home_cards("handling-office", ("office",), home.office_cards)
        register_home_cards("handling-leader", ("leader",), home.leader_cards)

        calendar_changed.connect(
            lambda **kw: recompute_deadlines.enqueue(), weak=False, dispatch_uid="handling_recompute"
        )
