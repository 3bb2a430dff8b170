"""Rituals on RFC 5545 rules, their occurrences, 1:1 completion, fair rotations, office hours."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sunrelay.cadence import rituals
from sunrelay.core import clock
from sunrelay.core.errors import ValidationFailed
from sunrelay.people import queries as people_queries
from sunrelay.worktime import business_seconds
from tests.cadence.helpers import DEMO_HOUR, utc


def demo_hour(**extra):
    data = DEMO_HOUR
    with clock.frozen(utc(2026, 10, 1)):
        return rituals.save_ritual({**data, **extra})


def test_occurrences_follow_the_rule_on_local_time(demo):
    ritual = demo_hour()
    planned = rituals.agenda(ritual, utc(2026, 10, 20), utc(2026, 11, 1))
    assert [(p.start, p.end) for p in planned] == [
        (utc(2026, 10, 22, 9), utc(2026, 10, 22, 10)),  # WEST
        (utc(2026, 10, 29, 10), utc(2026, 10, 29, 11)),  # WET after 25 October
    ]
    review = demo_hour(title="Design review", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    starts = rituals.occurrences(review, utc(2026, 10, 1), utc(2026, 11, 1))
    assert [s.day for s in starts] == [13, 27]


def test_rituals_are_validated_field_by_field(demo):
    for bad, field in [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start": "next thursday"}, "start"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"owners": ["nobody"]}, "owners"),
        ({"owners": []}, "owners"),
        ({"kind": "party"}, "kind"),
        ({"kind": "one-on-one", "team": None, "attendees": ["ana"]}, "attendees"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            demo_hour(**bad)
        assert error.value.field == field, bad
    assert not rituals.Ritual.objects.exists()


def test_occurrences_keep_agenda_notes_recording_and_owners(demo):
    ritual = demo_hour()
    occ = rituals.save_occurrence(
        ritual,
        utc(2026, 10, 29, 10),
        agenda="1. Ledger export",
        notes="Shipped; see recording.",
        recording_url="https://videos.acme.test/demo-29",
        owners=["bruno"],
        state="held",
    )
    assert [o.slug for o in occ.owners.all()] == ["bruno"]
    [planned] = rituals.agenda(ritual, utc(2026, 10, 29), utc(2026, 10, 30))
    assert planned.occurrence.notes == "Shipped; see recording."
    with pytest.raises(ValidationFailed) as error:
        rituals.save_occurrence(ritual, utc(2026, 10, 29, 9), notes="wrong hour")
    assert error.value.field == "start"


def test_one_on_one_completion_rate(demo):
    with clock.frozen(utc(2026, 10, 1)):
        pair = rituals.save_ritual(
            {
                "title": "Ana / Bruno",
                "kind": "one-on-one",
                "rrule": "FREQ=WEEKLY;BYDAY=WE",
                "start": "2026-10-07T11:00",
                "timezone": "America/Sao_Paulo",
                "owners": ["ana"],
                "attendees": ["ana", "bruno"],
            }
        )
    held = rituals.occurrences(pair, utc(2026, 10, 1), utc(2026, 10, 29))
    assert len(held) == 4
    rituals.save_occurrence(pair, held[0], notes="Career goals")
    rituals.save_occurrence(pair, held[1], state="held")
    rituals.save_occurrence(pair, held[2], state="skipped")
    with clock.frozen(utc(2026, 10, 29)):
        assert rituals.completion(pair) == {"past": 4, "held": 2, "rate": 0.5}


def reliability_sync():
    """Los Angeles, Kolkata and Auckland: no window all three share."""
    return rituals.save_ritual(
        {
            "title": "Reliability sync",
            "kind": "reliability-review",
            "rrule": "FREQ=WEEKLY",
            "start": "2026-11-23T09:00",
            "timezone": "UTC",
            "owners": ["priya"],
            "attendees": ["olivia", "priya", "noah"],
        }
    )


def test_a_meeting_with_no_shared_window_rotates_so_nobody_carries_most_of_it(demo):
    # Los Angeles and Auckland share evenings/mornings; Kolkata shares nothing with either
    with clock.frozen(utc(2026, 11, 16)):
        ritual = reliability_sync()
        proposal = rituals.propose_rotation(ritual)
        rituals.rotate(ritual, proposal)
        load = rituals.burden(ritual, count=12)
    assert proposal.worst_share == 0.5 and len(ritual.rotation) == 2
    assert load["occurrences"] == 12
    assert all(row["outside"] <= 6 for row in load["people"].values()), load
    # the burden is measured, not assumed: recount one occurrence by hand
    schedules = people_queries.load_directory(["olivia", "priya", "noah"]).schedules()
    first = rituals.occurrences(ritual, utc(2026, 11, 16), utc(2027, 1, 1))[0]
    outside = [
        p
        for p, s in schedules.items()
        if business_seconds(s, first, first + timedelta(minutes=30)) < 1800
    ]
    assert outside in (["priya"], ["noah", "olivia"])


def test_a_rotated_occurrence_keeps_its_agenda_notes_and_recording(demo):
    with clock.frozen(utc(2026, 11, 16)):
        ritual = reliability_sync()
        rituals.rotate(ritual, rituals.propose_rotation(ritual))
        moved = rituals.occurrences(ritual, utc(2026, 11, 16), utc(2027, 1, 1))[:4]
        assert any(at.hour != 9 for at in moved)  # the rotation did move some
        for at in moved:
            rituals.save_occurrence(
                ritual, at, "priya", agenda="SLOs", notes="held", recording_url="https://r.test/1"
            )
        with pytest.raises(ValidationFailed) as refused:  # the rule's time, moved away
            rituals.save_occurrence(ritual, utc(2026, 11, 30, 9), "priya", notes="x")
    assert refused.value.field == "start"
    assert [o.start for o in ritual.occurrences.order_by("start")] == moved
    assert {o.recording_url for o in ritual.occurrences.all()} == {"https://r.test/1"}


def test_office_hours_alternate_between_regions(demo):
    with clock.frozen(utc(2026, 11, 16)):
        ritual = rituals.save_ritual(
            {
                "title": "Mobile office hours",
                "kind": "office-hours",
                "team": "mobile",
                "rrule": "FREQ=WEEKLY",
                "start": "2026-11-23T00:00",
                "timezone": "UTC",
                "owners": ["olivia"],
            }
        )
    week = rituals.occurrences(ritual, utc(2026, 11, 23), utc(2026, 11, 30))
    assert len(week) == 2 and week[0].date() != week[1].date()
    schedules = people_queries.load_directory(["sofia", "bruno", "olivia"]).schedules()

    def inside(slug: str, at: datetime) -> bool:
        return business_seconds(schedules[slug], at, at + timedelta(minutes=30)) == 1800

    # one slot in Sofia's (EMEA) hours, one in the Americas' shared hours
    assert any(inside("sofia", at) for at in week)
    assert any(inside("bruno", at) and inside("olivia", at) for at in week)
