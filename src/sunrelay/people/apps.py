from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sunrelay.people"
    label = "people"
    verbose_name = "Directory"

    def ready(self) -> None:
        # its home-page sections, and the signals that keep the directory's read model fresh
        from sunrelay.people import revisions, today  # noqa: F401
