from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "xieshang.messages"
    label = "citizen_messages"
    verbose_name = "群众留言"

    def ready(self) -> None:
        from . import channel  # noqa: F401  (registers the channel with the handling engine)
