"""Schedule computation: rotations across daylight-saving changes, layers, restrictions,
overrides and follow-the-sun coverage with its gaps."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunrelay.oncall import roster
from sunrelay.oncall.roster import Override, Segment
from sunrelay.oncall.specs import parse_schedule
from sunrelay.worktime import Schedule


def t(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp())


def local(epoch: int, tz: str) -> datetime:
    return datetime.fromtimestamp(epoch, ZoneInfo(tz))


def spec(*layers: dict, timezone: str = "UTC"):
    found, problems = parse_schedule({"id": "s", "timezone": timezone, "layers": list(layers)})
    assert not problems, problems
    return found


def assert_tiles(shifts: list[Segment], a: int, b: int) -> None:
    """Contiguous, no overlap, covering [a, b) exactly."""
    assert shifts[0].start == a and shifts[-1].end == b
    for x, y in itertools.pairwise(shifts):
        assert x.end == y.start


def test_weekly_rotation_keeps_its_local_handoff_across_spring_forward() -> None:
    s = spec(
        {"participants": ["ana", "bo", "cy"], "shift": "1w", "start": "2026-02-23"},
        timezone="America/New_York",
    )
    a, b = t("2026-02-23T14:00:00+00:00"), t("2026-03-23T13:00:00+00:00")
    r = roster.compute(s, a, b)
    assert [x.person for x in r.shifts] == ["ana", "bo", "cy", "ana"]
    assert_tiles(r.shifts, a, b)
    assert r.gaps == []
    for x in r.shifts:
        start = local(x.start, "America/New_York")
        assert (start.weekday(), start.hour, start.minute) == (0, 9, 0)
    # the week holding 8 March loses the hour the clocks skip
    assert (r.shifts[1].end - r.shifts[1].start) / 3600 == 167
    assert (r.shifts[2].end - r.shifts[2].start) / 3600 == 168


def test_daily_handoff_inside_the_repeated_hour_takes_its_first_occurrence() -> None:
    s = spec(
        {
            "participants": ["ana", "bo"],
            "shift": "daily",
            "start": "2026-10-20",
            "handoff": "01:30",
        },
        timezone="Europe/London",
    )
    a, b = t("2026-10-24T00:30:00+00:00"), t("2026-10-27T01:30:00+00:00")
    r = roster.compute(s, a, b)
    assert_tiles(r.shifts, a, b)
    lengths = [(x.end - x.start) / 3600 for x in r.shifts]
    assert lengths == [24, 25, 24]  # 25 Oct is a 25-hour day in London
    assert r.shifts[1].start == t("2026-10-25T01:30:00+01:00")  # BST, the first 01:30


@pytest.mark.parametrize(
    ("tz", "first", "last"),
    [
        ("Australia/Sydney", "2026-04-04", "2026-04-06"),  # clocks go back 03:00 → 02:00
        ("Australia/Sydney", "2026-10-03", "2026-10-05"),  # forward 02:00 → 03:00
        ("Asia/Kathmandu", "2026-03-01", "2026-03-02"),  # +05:45 all year
        ("America/Santiago", "2026-04-04", "2026-04-06"),  # back at 24:00 → 23:00
    ],
)
def test_hourly_shifts_never_gap_or_overlap(tz: str, first: str, last: str) -> None:
    s = spec(
        {"participants": ["a", "b", "c"], "shift": "1h", "start": first, "handoff": "00:00"},
        timezone=tz,
    )
    a = roster._boundary(s.layers[0], 0)
    b = a + (date.fromisoformat(last) - date.fromisoformat(first)).days * 86_400
    r = roster.compute(s, a, b)
    assert_tiles(r.shifts, a, b)
    assert sum(x.end - x.start for x in r.shifts) == b - a
    assert all(x.end - x.start <= 2 * 3600 for x in r.shifts)  # at most the repeated hour


@settings(max_examples=60, deadline=None)
@given(
    tz=st.sampled_from(["Europe/Lisbon", "America/Los_Angeles", "Australia/Lord_Howe", "UTC"]),
    shift=st.sampled_from(["1h", "5h", "12h", "1d", "2d", "1w"]),
    offset_hours=st.integers(min_value=0, max_value=24 * 400),
    span_hours=st.integers(min_value=1, max_value=24 * 40),
)
def test_any_rotation_tiles_any_range(tz: str, shift: str, offset_hours: int, span_hours: int):
    s = spec(
        {"participants": ["a", "b"], "shift": shift, "start": "2026-01-01", "handoff": "02:30"},
        timezone=tz,
    )
    a = roster._boundary(s.layers[0], 0) + offset_hours * 3600
    b = a + span_hours * 3600
    r = roster.compute(s, a, b)
    assert r.gaps == []
    # the same person never holds two shifts in a row: shifts alternate at every boundary
    for x, y in zip(r.shifts, r.shifts[1:], strict=False):
        assert x.end == y.start and x.person != y.person


def test_nothing_before_the_rotation_starts_is_a_gap() -> None:
    s = spec({"participants": ["a"], "shift": "1d", "start": "2026-05-02"})
    r = roster.compute(s, t("2026-05-01T00:00:00+00:00"), t("2026-05-03T00:00:00+00:00"))
    assert r.gaps == [(t("2026-05-01T00:00:00+00:00"), t("2026-05-02T09:00:00+00:00"))]


def test_a_restricted_higher_layer_wins_only_inside_its_windows() -> None:
    s = spec(
        {"name": "nights", "participants": ["night"], "shift": "1w", "start": "2026-03-02"},
        {
            "name": "office",
            "participants": ["day1", "day2"],
            "shift": "1d",
            "start": "2026-03-02",
            "handoff": "00:00",
            "restrictions": [{"days": ["mon", "tue", "wed", "thu", "fri"], "hours": "09:00-17:00"}],
        },
        timezone="Europe/Lisbon",
    )
    a, b = t("2026-03-27T00:00:00+00:00"), t("2026-03-31T00:00:00+01:00")
    r = roster.compute(s, a, b)
    assert_tiles(r.shifts, a, b)
    office = [x for x in r.shifts if x.layer == "office"]
    # Friday 27 and Monday 30 (after Lisbon moved to summer time on the 29th), 09:00-17:00 local
    assert [(local(x.start, "Europe/Lisbon").strftime("%a %H:%M"), x.person) for x in office] == [
        ("Fri 09:00", "day2"),
        ("Mon 09:00", "day1"),
    ]
    assert all((x.end - x.start) == 8 * 3600 for x in office)
    assert {x.person for x in r.shifts if x.layer == "nights"} == {"night"}
    assert r.on_call(t("2026-03-28T12:00:00+00:00")) == ["night"]  # Saturday


def test_overrides_replace_one_person_or_take_the_whole_span() -> None:
    s = spec(
        {"participants": ["ana", "bo"], "shift": "1d", "start": "2026-06-01", "handoff": "00:00"}
    )
    a, b = t("2026-06-01T00:00:00+00:00"), t("2026-06-03T00:00:00+00:00")
    swap = Override("cy", t("2026-06-01T06:00:00+00:00"), t("2026-06-01T12:00:00+00:00"), "ana")
    wrong_person = Override("dee", a, b, "zed")
    whole = Override("eve", t("2026-06-01T23:00:00+00:00"), t("2026-06-02T01:00:00+00:00"))
    r = roster.compute(s, a, b, overrides=[swap, wrong_person, whole])
    got = [(x.person, x.layer, (x.start - a) // 3600, (x.end - a) // 3600) for x in r.shifts]
    assert got == [
        ("ana", "layer 1", 0, 6),
        ("cy", "override", 6, 12),
        ("ana", "layer 1", 12, 23),
        ("eve", "override", 23, 25),
        ("bo", "layer 1", 25, 48),
    ]


def people(**zones: str) -> dict[str, Schedule]:
    return {pid: Schedule.build(tz, "09:00-17:00") for pid, tz in zones.items()}


def test_follow_the_sun_hands_over_between_pods_and_reports_the_gaps() -> None:
    s = spec({"type": "follow-the-sun", "team": "sre"})
    schedules = people(lis1="Europe/Lisbon", lis2="Europe/Lisbon", syd="Australia/Sydney")
    units = {"sre": [("lisbon", ["lis1", "lis2"]), ("sydney", ["syd"])]}
    a, b = t("2026-06-01T00:00:00+00:00"), t("2026-06-03T00:00:00+00:00")  # Mon, Tue
    r = roster.compute(s, a, b, units=units, schedules=schedules)
    got = [
        (x.person, local(x.start, "UTC").strftime("%a %H:%M"), (x.end - x.start) // 3600)
        for x in r.shifts
    ]
    # Sydney works 23:00-07:00 UTC (AEST), Lisbon 08:00-16:00 UTC (WEST); the pod rotates daily
    lisbon_monday, lisbon_tuesday = got[1][0], got[3][0]
    assert {lisbon_monday, lisbon_tuesday} == {"lis1", "lis2"}
    assert got == [
        ("syd", "Mon 00:00", 7),
        (lisbon_monday, "Mon 08:00", 8),
        ("syd", "Mon 23:00", 8),
        (lisbon_tuesday, "Tue 08:00", 8),
        ("syd", "Tue 23:00", 1),
    ]
    hours = [(local(x, "UTC").strftime("%a %H:%M"), (y - x) // 3600) for x, y in r.gaps]
    assert hours == [("Mon 07:00", 1), ("Mon 16:00", 7), ("Tue 07:00", 1), ("Tue 16:00", 7)]


def test_follow_the_sun_skips_a_member_who_is_away_and_lets_the_latest_starter_take_over():
    s = spec({"type": "follow-the-sun", "team": "sre"})
    away = Schedule.build(
        "Europe/Lisbon", "09:00-17:00", absences=[(date(2026, 6, 1), date(2026, 6, 30))]
    )
    schedules = {
        "a1": away,
        "a2": Schedule.build("Europe/Lisbon", "09:00-17:00"),
        "ny": Schedule.build("America/New_York", "09:00-17:00"),
    }
    units = {"sre": [("emea", ["a1", "a2"]), ("us", ["ny"])]}
    a, b = t("2026-06-01T00:00:00+00:00"), t("2026-06-02T00:00:00+00:00")
    r = roster.compute(s, a, b, units=units, schedules=schedules)
    assert [(x.person, (x.start - a) // 3600, (x.end - a) // 3600) for x in r.shifts] == [
        ("a2", 8, 13),  # New York starts at 13:00 UTC and takes over
        ("ny", 13, 21),
    ]


def test_the_final_roster_answers_who_is_on_call() -> None:
    s = spec(
        {"participants": ["ana", "bo"], "shift": "12h", "start": "2026-01-01", "handoff": "06:00"}
    )
    a = t("2026-01-10T00:00:00+00:00")
    r = roster.compute(s, a, a + 86_400)
    # 18 shifts of 12 h after 1 Jan 06:00: ana again from 06:00, bo from 18:00
    assert r.on_call(t("2026-01-10T07:00:00+00:00")) == ["ana"]
    assert r.on_call(t("2026-01-10T19:00:00+00:00")) == ["bo"]
    assert roster.months(a, a + 40 * 86_400)[1][0] == "2026-02"
    assert timedelta(seconds=r.shifts[0].end - r.shifts[0].start) == timedelta(hours=6)


@given(st.integers(0, 29 * 24), st.integers(1, 7 * 24))
@settings(max_examples=40, deadline=None)
def test_a_clipped_month_is_the_roster_of_the_shorter_range(offset: int, hours: int) -> None:
    s = spec(
        {"name": "days", "participants": ["ana", "bo"], "shift": "1d", "start": "2026-03-01"},
        {
            "name": "weekends",
            "participants": ["cy"],
            "shift": "1w",
            "start": "2026-03-07",
            "restrictions": [{"days": ["sat", "sun"], "hours": "10:00-18:00"}],
        },
        timezone="Europe/Lisbon",
    )
    a = t("2026-03-10T00:00:00+00:00")
    month = roster.compute(s, a, a + 30 * 86400)
    x = a + offset * 3600
    y = min(x + hours * 3600, a + 30 * 86400)
    assert month.clip(x, y) == roster.compute(s, x, y)


def test_nobody_away_is_on_call_and_the_roster_says_who_covers() -> None:
    s = spec(
        {"participants": ["ana", "bo", "cy"], "shift": "1d", "start": "2026-06-01",
         "handoff": "00:00"}
    )  # fmt: skip
    a, b = t("2026-06-01T00:00:00+00:00"), t("2026-06-04T00:00:00+00:00")
    # bo (day 2) is away from noon on day 2 to noon on day 3
    away = {"bo": [(t("2026-06-02T12:00:00+00:00"), t("2026-06-03T12:00:00+00:00"))]}

    def hours(r: roster.Roster) -> list[tuple[str, int, int]]:
        return [(x.person, (x.start - a) // 3600, (x.end - a) // 3600) for x in r.shifts]

    gap = roster.compute(s, a, b, away=away)  # the team did not agree on cover: a gap
    assert hours(gap) == [("ana", 0, 24), ("bo", 24, 36), ("cy", 48, 72)]
    assert [((g[0] - a) // 3600, (g[1] - a) // 3600) for g in gap.gaps] == [(36, 48)]
    [conflict] = gap.away
    assert (conflict.person, conflict.covered_by) == ("bo", ())
    assert gap.on_call(t("2026-06-02T13:00:00+00:00")) == []
    assert [x.person for x in gap.away_at(t("2026-06-02T13:00:00+00:00"))] == ["bo"]
    assert (conflict.start - a) // 3600 == 36 and (conflict.end - a) // 3600 == 48  # in range

    covered = roster.compute(s, a, b, away=away, cover_next=True)  # the next in the rota
    assert hours(covered) == [("ana", 0, 24), ("bo", 24, 36), ("cy", 36, 72)]
    assert covered.gaps == [] and covered.away[0].covered_by == ("cy",)

    # the next in the rota is away too: the one after covers
    both = {**away, "cy": [(t("2026-06-02T00:00:00+00:00"), t("2026-06-02T18:00:00+00:00"))]}
    [bo] = [x for x in roster.compute(s, a, b, away=both, cover_next=True).away if x.person == "bo"]
    assert bo.covered_by == ("ana",)

    # an override for bo's time covers it whatever the agreement, and is named
    swap = Override("dee", t("2026-06-02T00:00:00+00:00"), t("2026-06-03T00:00:00+00:00"), "bo")
    by_override = roster.compute(s, a, b, overrides=[swap], away=away)
    assert by_override.gaps == [] and by_override.away[0].covered_by == ("dee",)
    assert json.loads(json.dumps(roster.roster_json("s", gap, a, b)))["away"] == [
        {"person": "bo", "start": "2026-06-02T12:00:00Z", "end": "2026-06-03T00:00:00Z",
         "layer": "layer 1", "covered_by": []}
    ]  # fmt: skip


def test_a_28_day_chart_labels_only_mondays_so_labels_never_overlap() -> None:
    from sunrelay.oncall import charts

    s = spec({"participants": ["ana", "bo"], "shift": "1w", "start": "2026-06-01"})
    a = datetime(2026, 6, 3, 13, tzinfo=UTC)
    for days, every in ((7, True), (28, False)):
        b = a + timedelta(days=days)
        chart = charts.timeline(roster.compute(s, t(a.isoformat()), t(b.isoformat())), a, b)
        labelled = [(x, label) for x, label in chart.ticks if label]
        assert len(chart.ticks) == days and (len(labelled) == days) == every
        assert all(x2 - x1 >= 60 for (x1, _), (x2, _) in itertools.pairwise(labelled))
    assert labelled[0][1] == "Mon 08 Jun" and all(label.startswith("Mon") for _, label in labelled)
