from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "xieshang.duties"
    label = "duties"
    verbose_name = _("Members' duties")

    def ready(self) -> None:
        from xieshang.core.context_processors import register_nav

        from . import indicators  # noqa: F401  (registers the duties figures of the scorecard)

        register_nav("duties:mine", _("My duty file"), ("member",))
        register_nav("duties:overview", _("Members' duties"), ("office", "admin", "leader"))
