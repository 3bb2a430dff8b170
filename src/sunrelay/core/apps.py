from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sunrelay.core"
    label = "core"
    verbose_name = "Sunrelay core"
