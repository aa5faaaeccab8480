from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "xieshang.opinions"
    label = "opinions"
    verbose_name = _("Opinion reports")

    def ready(self) -> None:
        import xieshang.opinions.indicators  # noqa: F401  (registers this app's scorecard figures)
        from xieshang.core.context_processors import register_nav
        from xieshang.proposals.services import register_opinion_conversion

        from . import channel  # noqa: F401  (registers the channel with the handling engine)
        from .services import _proposal_hook

        # A proposal converted to 社情民意 (with the proposer's consent) becomes a report here.
        register_opinion_conversion(_proposal_hook)

        register_nav("opinions:mine", _("My opinion reports"), ("member",))
        from .permissions import is_information_office

        register_nav("opinions:office", _("Opinion report editing"), ("office", "admin"), when=is_information_office)
        register_nav("opinions:released", _("Opinion reports"), ("leader",))
