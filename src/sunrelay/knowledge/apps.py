from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "sunrelay.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from sunrelay.knowledge import agreement  # noqa: F401  (registers its agreement keys)
        from sunrelay.knowledge.views import team_section
        from sunrelay.people.sections import register_team_section

        register_team_section(team_section)
