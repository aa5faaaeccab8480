from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = "提案"

    def ready(self) -> None:
        import xieshang.proposals.indicators  # noqa: F401  (registers this app's scorecard figures)
        from xieshang.core.context_processors import register_nav

        from . import channel

        channel.register()
        register_nav("proposals:mine", _("My proposals"), ("member",))
        register_nav("proposals:review", _("Proposal review"), ("office", "admin"))
        register_nav("proposals:handling", _("Proposal handling"), ("unit",))
        register_nav("proposals:rates", _("Proposal statistics"), ("office", "admin", "leader"))

        from xieshang.core.views import register_home_cards

        from . import home

        register_home_cards("proposals-member", ("member",), home.member_cards)
        register_home_cards("proposals-office", ("office",), home.office_cards)
