from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sunrelay.access"
    label = "access"
    verbose_name = "Access grants"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, pre_delete

        from sunrelay.access import orgfile, service  # noqa: F401  (they register)
        from sunrelay.access.hooks import RevokeChannel
        from sunrelay.notify import channels
        from sunrelay.people.models import Person, Team

        channels.register(RevokeChannel())

        def membership(sender, instance, action, pk_set, reverse, **kwargs):
            # leaving a team revokes what was granted for work in it (team.members.remove
            # or person.teams.remove, whichever side the change came from)
            if action != "post_remove" or not pk_set:
                return
            if reverse:
                for team in Team.objects.filter(pk__in=pk_set):
                    service.left_team(instance, team)
            else:
                for person in Person.objects.filter(pk__in=pk_set):
                    service.left_team(person, instance)

        def leaving(sender, instance, **kwargs):
            service.left_organisation(instance)

        m2m_changed.connect(membership, sender=Team.members.through, weak=False)
        pre_delete.connect(leaving, sender=Person, weak=False)
