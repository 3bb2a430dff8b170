from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "sunrelay.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding"

    def ready(self) -> None:
        from sunrelay.onboarding import agreement, today  # noqa: F401  (they register)
        from sunrelay.onboarding.views import team_section
        from sunrelay.people.sections import register_team_section

        register_team_section(team_section)
