from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sunrelay.people"
    label = "people"
    verbose_name = "Directory"
