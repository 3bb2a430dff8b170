from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "sunrelay.notify"
    label = "notify"
    verbose_name = "Notifications"
