from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Text assistance: routing (智能交办), same matter (智能并案), hotspots (热点), reply check."""

    name = "xieshang.insight"
    label = "insight"
    verbose_name = "智能辅助"
    default_auto_field = "django.db.models.BigAutoField"
