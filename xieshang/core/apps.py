from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xieshang.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from . import form_wording

        form_wording.install()
