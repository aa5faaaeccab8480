from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "xieshang.outreach"
    verbose_name = _("Reaching the public")

    def ready(self) -> None:
        from xieshang.core import duty_records
        from xieshang.core.context_processors import register_nav

        from . import channel, indicators  # noqa: F401  (register the channels and the counts)
        from .duty_file import member_duty_sections

        duty_records.register("outreach", member_duty_sections)  # the members' duty files read these

        register_nav("outreach:home", _("Station desk"), ("host", "member"))
        register_nav("outreach:overview", _("Reaching the public"), ("office", "admin", "leader"))
        register_nav("outreach:enterprises", _("Linked enterprises"), ("office", "admin"))
        register_nav("outreach:setup", _("Outreach set-up"), ("office", "admin"))

        from xieshang.core.views import register_home

        from .permissions import lands_on_desk

        register_home("host", "outreach:home")
        register_home("member", "outreach:home", when=lands_on_desk)
