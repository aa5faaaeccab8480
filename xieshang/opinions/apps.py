from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "xieshang.opinions"
    label = "opinions"
    verbose_name = "社情民意"

    def ready(self) -> None:
        import xieshang.opinions.indicators  # noqa: F401  (registers this app's scorecard figures)
        from xieshang.core.context_processors import register_nav
        from xieshang.proposals.services import register_opinion_conversion

        from . import channel  # noqa: F401  (registers the channel with the handling engine)
        from .services import _proposal_hook

        # A proposal converted to 社情民意 (with the proposer's consent) becomes a report here.
        register_opinion_conversion(_proposal_hook)

        register_nav("opinions:mine", "我的社情民意", ("member",))
        register_nav("opinions:office", "社情民意编辑", ("office", "admin"))
        register_nav("opinions:released", "社情民意", ("leader",))
