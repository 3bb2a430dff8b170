from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sunrelay.work"
    label = "work"
    verbose_name = "Work in flight"

    def ready(self) -> None:
        # the working agreement's ``work`` keys register themselves
        from sunrelay.cadence import status
        from sunrelay.people.sections import register_team_section
        from sunrelay.work import agreement, capacity, valves  # noqa: F401
        from sunrelay.work.views import team_section

        register_team_section(team_section)
        status.register_capacity_hook(capacity.from_update)
        status.register_ask_router(valves.routed_asks)
