from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "sunrelay.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        # the working agreement's review.pr and wip.person register themselves
        from sunrelay.delivery import agreement  # noqa: F401
