from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "sunrelay.oncall"
    label = "oncall"
    verbose_name = "On-call"

    def ready(self) -> None:
        # org.yaml sections and agreement keys, their importers and the calendar-feed source
        # register themselves; so do the signals that keep the set-up's read model fresh
        from sunrelay.oncall import (  # noqa: F401
            agreement,
            config,
            orgfile,
            policies,
            queries,
            service,
            today,
        )
