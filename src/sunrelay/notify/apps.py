from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "sunrelay.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.conf import settings

        from sunrelay.integrations import outbound

        outbound.allow(settings.OUTBOUND_ALLOW)
