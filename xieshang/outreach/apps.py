from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "xieshang.outreach"
    verbose_name = "联系群众"

    def ready(self) -> None:
        from xieshang.core import duty_records
        from xieshang.core.context_processors import register_nav

        from . import channel, indicators  # noqa: F401  (register the channels and the counts)
        from .duty_file import member_duty_sections

        duty_records.register("outreach", member_duty_sections)  # the members' duty files read these

        register_nav("outreach:home", "联系站工作台", ("host", "member"))
        register_nav("outreach:overview", "联系群众", ("office", "admin", "leader"))
        register_nav("outreach:enterprises", "挂点联系企业", ("office", "admin"))
        register_nav("outreach:setup", "联系群众设置", ("office", "admin"))

        from xieshang.core.views import register_home

        from .permissions import lands_on_desk

        register_home("host", "outreach:home")
        register_home("member", "outreach:home", when=lands_on_desk)
