from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "xieshang.consultations"
    label = "consultations"
    verbose_name = "协商议政"
