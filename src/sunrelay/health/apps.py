from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "sunrelay.health"
    label = "orghealth"
    verbose_name = "Organisation health"

    def ready(self) -> None:
        # the working agreement's ``states`` thresholds register themselves
        from sunrelay.health import agreement  # noqa: F401
        from sunrelay.health.views import team_section
        from sunrelay.people.sections import register_team_section

        register_team_section(team_section)
