"""The directory in Django's admin, read-only: every write goes through people.service
(org.yaml, the API, the CLI or the hub's own forms)."""

from django.contrib import admin
from django.http import HttpRequest

from sunrelay.people.models import Absence, Component, Organization, Person, Team


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnly):
    list_display = ("slug", "name", "email", "timezone", "holidays")
    search_fields = ("slug", "name", "email")


@admin.register(Team)
class TeamAdmin(ReadOnly):
    list_display = ("slug", "name", "lead", "parent", "wip_limit")


@admin.register(Component)
class ComponentAdmin(ReadOnly):
    list_display = ("slug", "name", "owner", "dri", "criticality")


@admin.register(Absence)
class AbsenceAdmin(ReadOnly):
    list_display = ("person", "start", "end", "reason", "source")


admin.site.register(Organization, ReadOnly)
