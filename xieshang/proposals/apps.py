from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "xieshang.proposals"
    label = "proposals"
    verbose_name = "提案"

    def ready(self) -> None:
        import xieshang.proposals.indicators  # noqa: F401  (registers this app's scorecard figures)
        from xieshang.core.context_processors import register_nav

        from . import channel

        channel.register()
        register_nav("proposals:mine", "我的提案", ("member",))
        register_nav("proposals:review", "提案审查", ("office", "admin"))
        register_nav("proposals:handling", "提案办理", ("unit",))
        register_nav("proposals:rates", "提案统计", ("office", "admin", "leader"))
