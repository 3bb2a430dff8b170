from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "sunrelay.delivery"
    label = "delivery"
    verbose_name = "Delivery"
