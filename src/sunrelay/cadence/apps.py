from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "sunrelay.cadence"
    label = "cadence"
    verbose_name = "Cadence"
