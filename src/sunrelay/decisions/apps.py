from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "sunrelay.decisions"
    label = "decisions"
    verbose_name = "Decisions"
