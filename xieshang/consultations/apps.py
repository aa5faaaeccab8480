from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "xieshang.consultations"
    label = "consultations"
    verbose_name = "协商议政"

    def ready(self) -> None:
        import xieshang.consultations.indicators  # noqa: F401  (registers this app's scorecard figures)
        from xieshang.core.context_processors import register_nav

        from . import channel  # noqa: F401  (registers the channel with the handling engine)

        register_nav("consultations:index", _("Talk it over in Chancheng"), ("office", "admin", "leader"))
        register_nav("consultations:mine", _("My consultation activities"), ("member",))
