from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "xieshang.outreach"
    verbose_name = _("Reaching the public")

    def ready(self) -> None:
        from xieshang.core.context_processors import register_nav

        from . import channel, indicators  # noqa: F401  (register the channels and the counts)

        register_nav("outreach:home", _("Station desk"), ("host", "member"))
        register_nav("outreach:overview", _("Reaching the public"), ("office", "admin", "leader"))
        register_nav("outreach:enterprises", _("Linked enterprises"), ("office", "admin"))
