from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "sunrelay.decisions"
    label = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from sunrelay.decisions import today  # noqa: F401  (registers its home-page sections)
