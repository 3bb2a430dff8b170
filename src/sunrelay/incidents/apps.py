from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "sunrelay.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # the agreement keys and the alert-group listener register themselves
        from sunrelay.incidents import agreement, service, today  # noqa: F401  (they register)
