"""Who stands in for an absent person (``agreement.failure.delegates``): a delegation is
active while its person is away (their absences, nothing to remember) and ends with the
absence. Every place that would wait on someone asks ``stand_in`` first; pages say who
decides ("Ana is away until Tue 1 Dec; Bruno decides for decisions, reviews").

The directory is the bottom of the stack, so every domain may ask; delegations themselves are
declared in the working agreement of a team the person belongs to or leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sunrelay.people import failure
from sunrelay.people.models import Absence, Person, Team
from sunrelay.people.queries import away
from sunrelay.worktime import epoch, zone


def _teams_of(person: Person) -> list[Team]:
    return list(Team.objects.filter(members=person)) + list(
        Team.objects.filter(lead=person).exclude(members=person)
    )


def away_at(person: Person, at: datetime) -> bool:
    spans = away([person.slug], at, at + timedelta(seconds=1)).get(person.slug, [])
    t = epoch(at)
    return any(a <= t < b for a, b in spans)


def back_on(person: Person, at: datetime) -> date | None:
    """The first day after the absence that covers ``at`` (absences back to back join)."""
    if not away_at(person, at):
        return None
    today = at.astimezone(zone(person.timezone)).date()
    spans = Absence.objects.filter(person=person, end__gte=today).order_by("start")
    end: date | None = None
    for first, last in spans.values_list("start", "end"):
        if end is None:
            end = last if first <= today else None
        elif first <= end + timedelta(days=1):
            end = max(end, last)
        else:
            break
    return end + timedelta(days=1) if end else None


def delegate_of(person: Person, duty: str) -> Person | None:
    """Who the agreements of the person's teams name for ``duty``, if anyone."""
    for team in _teams_of(person):
        for d in failure.delegations(team.agreement):
            if d.person == person.slug and duty in d.duties:
                found = Person.objects.filter(slug=d.delegate).first()
                if found is not None:
                    return found
    return None


def stand_in(person: Person | None, duty: str, at: datetime) -> Person | None:
    """``person``, or while they are away, their delegate for ``duty`` (when the delegate is
    not away too). None stays None."""
    if person is None or not away_at(person, at):
        return person
    delegate = delegate_of(person, duty)
    if delegate is None or away_at(delegate, at):
        return person
    return delegate


@dataclass(frozen=True)
class Notice:
    person: Person
    until: date | None  # the day they are back
    delegate: Person | None
    duties: tuple[str, ...]

    def text(self) -> str:
        back = f" until {self.until:%a %-d %b}" if self.until else ""
        if self.delegate is None:
            return f"{self.person.name} is away{back}; nobody is named to decide for them"
        return (
            f"{self.person.name} is away{back}; {self.delegate.name} decides for "
            f"{', '.join(self.duties)}"
        )


def notices(team: Team, at: datetime) -> list[Notice]:
    """Who of the team (members and lead) is away now, and who decides for them."""
    people = list(team.members.all())
    if team.lead is not None and team.lead not in people:
        people.append(team.lead)
    gone = away([p.slug for p in people], at, at + timedelta(seconds=1))
    out = []
    for person in people:
        if person.slug not in gone or not away_at(person, at):
            continue
        named = [d for d in failure.delegations(team.agreement) if d.person == person.slug]
        delegate = Person.objects.filter(slug=named[0].delegate).first() if named else None
        out.append(Notice(person, back_on(person, at), delegate, named[0].duties if named else ()))
    return out


def notice_for(person: Person | None, at: datetime) -> Notice | None:
    """ "Ana is away until …; Bruno decides for …" for one person, when they are away."""
    if person is None or not away_at(person, at):
        return None
    for team in _teams_of(person):
        named = [d for d in failure.delegations(team.agreement) if d.person == person.slug]
        if named:
            delegate = Person.objects.filter(slug=named[0].delegate).first()
            return Notice(person, back_on(person, at), delegate, named[0].duties)
    return Notice(person, back_on(person, at), None, ())


def lead_without_delegate(team: Team) -> bool:
    """A team whose lead names nobody to decide while they are away."""
    if team.lead is None:
        return False
    return not any(d.person == team.lead.slug for d in failure.delegations(team.agreement))
