from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "sunrelay.work"
    label = "work"
    verbose_name = "Work in flight"

    def ready(self) -> None:
        # the working agreement's ``work`` keys register themselves
        from sunrelay.work import agreement  # noqa: F401
