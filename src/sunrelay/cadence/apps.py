from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "sunrelay.cadence"
    label = "cadence"
    verbose_name = "Cadence"

    def ready(self) -> None:
        from sunrelay.cadence import today  # noqa: F401  (registers its home-page sections)
