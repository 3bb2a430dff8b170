from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sunrelay.work"
    label = "work"
    verbose_name = "Work in flight"

    def ready(self) -> None:
        # the working agreement's ``work`` keys register themselves
        from sunrelay.people.sections import register_team_section
        from sunrelay.work import agreement  # noqa: F401
        from sunrelay.work.views import team_section

        register_team_section(team_section)
