from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sunrelay.core"
    label = "core"
    verbose_name = "Sunrelay core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from sunrelay.core.lengths import check_lengths

        pre_save.connect(check_lengths, dispatch_uid="sunrelay.check_lengths")
