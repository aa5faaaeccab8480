from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "xieshang.scorecard"
    label = "scorecard"
    verbose_name = _("Annual scorecard")

    def ready(self) -> None:
        from xieshang.core.context_processors import register_nav

        from . import indicators  # noqa: F401  (registers the manual figures)

        register_nav("scorecard:index", _("Annual scorecard"), ("office", "admin", "leader"))
