"""The cadence's pure rules: weeks, due instants across zones and DST, items, rotations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunrelay.cadence import logic
from sunrelay.worktime import Schedule, parse_weekly_time


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_iso_weeks_round_trip_and_reject_nonsense():
    assert logic.parse_week("2026-W48").isoformat() == "2026-11-23"
    assert logic.shift_week("2026-W53", 1) == "2027-W01"  # 2026 has 53 ISO weeks
    for bad in ("2026-48", "2026-W54", "W48"):
        with pytest.raises(ValueError):
            logic.parse_week(bad)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_every_day_is_in_the_week_it_names(day):
    monday = logic.parse_week(logic.week_of(day))
    assert 0 <= (day - monday).days < 7


@pytest.mark.parametrize(
    ("zone", "week", "expected"),
    [
        # Monday 17:00 local, either side of each zone's daylight-saving change
        ("America/Los_Angeles", "2026-W10", utc(2026, 3, 3, 1)),  # PST, UTC-8
        ("America/Los_Angeles", "2026-W11", utc(2026, 3, 10, 0)),  # PDT from 8 March
        ("Europe/Lisbon", "2026-W13", utc(2026, 3, 23, 17)),  # WET
        ("Europe/Lisbon", "2026-W14", utc(2026, 3, 30, 16)),  # WEST from 29 March
        ("Australia/Sydney", "2026-W14", utc(2026, 3, 30, 6)),  # AEDT, UTC+11
        ("Australia/Sydney", "2026-W15", utc(2026, 4, 6, 7)),  # AEST from 5 April
        ("Asia/Kathmandu", "2026-W48", utc(2026, 11, 23, 11, 15)),  # UTC+5:45
    ],
)
def test_due_instants_keep_the_local_wall_clock_across_dst(zone, week, expected):
    assert logic.due_instant(logic.DEFAULT_DUE, week, zone) == expected


def test_a_due_time_in_the_missing_hour_is_the_instant_of_the_jump():
    # Lisbon jumps from 01:00 WET to 02:00 WEST on Sunday 29 March 2026 (01:00 UTC)
    rule = parse_weekly_time("Sunday 1:30")
    assert logic.due_instant(rule, "2026-W13", "Europe/Lisbon") == utc(2026, 3, 29, 1)


def test_bad_weekly_times_say_what_is_wrong():
    with pytest.raises(ValueError, match="not a time of the week"):
        parse_weekly_time("17:00")
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekly_time("someday 17:00")
    with pytest.raises(ValueError, match="not a time of day"):
        parse_weekly_time("mon 25:00")


def test_the_reminder_opens_the_last_working_window_before_the_due_time():
    chloe = Schedule.build("Europe/Lisbon", "09:00-17:30")
    assert logic.reminder_instant(chloe, utc(2026, 11, 23, 17)) == utc(2026, 11, 23, 9)
    # due at 09:00 sharp: that morning's window has not begun, so Friday's
    assert logic.reminder_instant(chloe, utc(2026, 11, 23, 9)) == utc(2026, 11, 20, 9)


def test_rrule_occurrences_stay_on_local_time_across_dst():
    first = datetime(2026, 10, 1, 10, 0)  # noqa: DTZ001 - a wall-clock start
    found = logic.occurrences(
        "FREQ=WEEKLY;BYDAY=TH", first, "Europe/Lisbon", utc(2026, 10, 20), utc(2026, 11, 1)
    )
    assert found == [utc(2026, 10, 22, 9), utc(2026, 10, 29, 10)]
    monthly = logic.occurrences(
        "RRULE:FREQ=MONTHLY;BYDAY=1TU", first, "Europe/Lisbon", utc(2026, 10, 1), utc(2027, 1, 1)
    )
    assert [d.date().isoformat() for d in monthly] == ["2026-10-06", "2026-11-03", "2026-12-01"]
    with pytest.raises(ValueError, match="FREQ"):
        logic.check_rrule("BYDAY=TH")
    with pytest.raises(ValueError, match="RFC 5545"):
        logic.check_rrule("FREQ=SOMETIMES")


def test_risks_and_asks_become_items_with_their_mentions():
    text = "- Ledger cut-over may slip @bruno\n- None\n* Need a reviewer from @ana or @mia\n"
    assert logic.bullet_items(text) == [
        ("Ledger cut-over may slip @bruno", ["bruno"]),
        ("Need a reviewer from @ana or @mia", ["ana", "mia"]),
    ]
    assert logic.bullet_items("One risk in prose.\n\nAnother one.") == [
        ("One risk in prose.", []),
        ("Another one.", []),
    ]
    assert logic.bullet_items("none") == [] and logic.bullet_items("mail me@x.io") == [
        ("mail me@x.io", [])
    ]


def _c(hour: int, **outside: int) -> logic.Candidate:
    return logic.Candidate(utc(2026, 11, 24, hour), outside)


def test_one_slot_that_suits_everyone_needs_no_rotation():
    rotation = logic.fair_rotation([_c(9, a=30), _c(10), _c(11, b=30)], ["a", "b"])
    assert [s.start.hour for s in rotation.slots] == [10] and rotation.worst_share == 0


def test_with_no_shared_window_the_burden_is_spread_across_regions():
    # three regions, each slot leaves a different one out of hours
    candidates = [_c(1, emea=30), _c(9, amer=30), _c(17, apac=30), _c(3, emea=30, apac=10)]
    rotation = logic.fair_rotation(candidates, ["amer", "emea", "apac"])
    assert sorted(s.start.hour for s in rotation.slots) == [1, 9, 17]
    assert rotation.worst_share == pytest.approx(1 / 3)
    assert rotation.burden(["amer", "emea", "apac"]) == {
        "amer": (1, 30),
        "emea": (1, 30),
        "apac": (1, 30),
    }


def test_regions_take_turns_at_office_hours():
    assert logic.office_hour_regions(["APAC", "EMEA", "Americas"], 0) == ["APAC", "EMEA"]
    assert logic.office_hour_regions(["APAC", "EMEA", "Americas"], 1) == ["Americas", "APAC"]
    assert logic.office_hour_regions(["EMEA", "Americas"], 5) == ["EMEA", "Americas"]
    assert logic.office_hour_regions(["EMEA"], 3) == ["EMEA", "EMEA"]
    assert logic.region_of("Asia/Kathmandu", utc(2026, 1, 1)) == "APAC"
    assert logic.region_of("America/Sao_Paulo", utc(2026, 1, 1)) == "Americas"


def test_the_recurrence_builder_writes_the_rrule_a_person_describes():
    from sunrelay.cadence.logic import build_rrule

    assert build_rrule("weekly", 1, ["thu"]) == "FREQ=WEEKLY;BYDAY=TH"
    assert build_rrule("weekly", 2, ["fri", "mon"]) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"
    assert build_rrule("monthly", 1, ordinal="first", weekday="tue") == "FREQ=MONTHLY;BYDAY=1TU"
    assert build_rrule("monthly", 3, ordinal="last", weekday="fri") == (
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"
    )
    assert build_rrule("monthly", monthday=15) == "FREQ=MONTHLY;BYMONTHDAY=15"
    for bad in (("weekly", 1, []), ("monthly", 1, [], "first", ""), ("yearly",), ("weekly", 0)):
        with pytest.raises(ValueError):
            build_rrule(*bad)
