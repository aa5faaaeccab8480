from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "xieshang.duties"
    label = "duties"
    verbose_name = "委员履职"

    def ready(self) -> None:
        from xieshang.core.context_processors import register_nav

        from . import indicators  # noqa: F401  (registers the duties figures of the scorecard)

        register_nav("duties:mine", "我的履职档案", ("member",))
        register_nav("duties:overview", "委员履职", ("office", "admin", "leader"))
