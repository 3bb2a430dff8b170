from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sunrelay.people"
    label = "people"
    verbose_name = "Directory"

    def ready(self) -> None:
        from sunrelay.people import today  # noqa: F401  (registers its home-page sections)
