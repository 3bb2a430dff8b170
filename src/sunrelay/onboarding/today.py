"""Onboarding on the home page: the new person's own programme (what is next, what is late),
and for a buddy or manager, who they are helping through it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from sunrelay.core import today
from sunrelay.onboarding import logic
from sunrelay.onboarding.models import Item, Programme
from sunrelay.people.models import Person


def my_programme(person: Person, now: datetime) -> today.Section | None:
    programme = Programme.objects.filter(person=person).first()
    if programme is None:
        return None
    local = now.astimezone(ZoneInfo(person.timezone)).date()
    day = logic.day_of(programme.start_date, local)
    if day > logic.LAST_DAY:
        return None
    waiting = programme.items.filter(done_at=None).order_by("due", "pk")[:6]
    items = [
        today.Item(i.text, f"/onboarding/{person.slug}/", badge="late" if i.due < local else "")
        for i in waiting
    ]
    return today.Section(
        "onboarding", f"Your onboarding: day {day} of {logic.LAST_DAY}", items,
        "Everything in your programme is done.", True, 15, f"/onboarding/{person.slug}/",
    )  # fmt: skip


def helping(person: Person, now: datetime) -> today.Section | None:
    first = now.date() - timedelta(days=logic.LAST_DAY)
    found = Programme.objects.filter(
        Q(tech_buddy=person) | Q(culture_buddy=person) | Q(manager=person), start_date__gte=first
    ).select_related("person")
    if not found:
        return None
    items = []
    for p in found:
        left = Item.objects.filter(programme=p, done_at=None).count()
        role = "manager" if p.manager_id == person.pk else "buddy"
        items.append(
            today.Item(
                f"{p.person.name}: day {logic.day_of(p.start_date, now.date())}, {left} left "
                f"(you are their {role})",
                f"/onboarding/{p.person.slug}/",
            )
        )
    return today.Section("onboarding-help", "Onboarding you help with", items, order=65)


today.register(my_programme)
today.register(helping)
