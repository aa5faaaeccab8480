from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "xieshang.scorecard"
    label = "scorecard"
    verbose_name = "年度成绩单"

    def ready(self) -> None:
        from xieshang.core.context_processors import register_nav

        from . import indicators  # noqa: F401  (registers the manual figures)

        register_nav("scorecard:index", "年度成绩单", ("office", "admin", "leader"))
