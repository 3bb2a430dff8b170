"""The working-time engine on cases a person can check by hand."""

import itertools
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from sunrelay.worktime import (
    Schedule,
    business_seconds,
    business_seconds_bulk,
    chain,
    deadline,
    format_instant,
    is_working,
    online,
    overlap,
    parse_duration,
    parse_instant,
    parse_span,
    parse_spans,
    slots,
    to_epoch,
    zone,
)

H = 3600


def at(text: str) -> datetime:
    return parse_instant(text)


def test_a_plain_week_in_utc_is_forty_hours():
    s = Schedule.build("UTC")
    assert business_seconds(s, at("2026-03-02T00:00Z"), at("2026-03-09T00:00Z")) == 40 * H


def test_partial_days_count_only_inside_the_window():
    s = Schedule.build("UTC")
    assert business_seconds(s, at("2026-03-02T16:30Z"), at("2026-03-03T09:15Z")) == 45 * 60


def test_spring_forward_week_in_new_york_is_still_forty_real_hours():
    s = Schedule.build("America/New_York")  # DST starts Sunday 2026-03-08
    assert business_seconds(s, at("2026-03-06T00:00Z"), at("2026-03-12T00:00Z")) == 32 * H
    # Monday after the change starts at 13:00Z instead of 14:00Z.
    assert is_working(s, at("2026-03-09T13:00Z"))
    assert not is_working(s, at("2026-03-06T13:00Z"))


def test_a_window_spanning_the_spring_gap_is_shorter_in_real_time():
    # 01:00-04:00 local on the night clocks jump 02:00 -> 03:00 lasts two real hours.
    s = Schedule.build("America/New_York", "01:00-04:00", ["sun"])
    assert business_seconds(s, at("2026-03-08T00:00Z"), at("2026-03-09T00:00Z")) == 2 * H


def test_a_window_spanning_the_autumn_repeat_is_longer_in_real_time():
    # Europe/Berlin falls back 03:00 -> 02:00 on 2026-10-25: 00:00-06:00 lasts seven hours.
    s = Schedule.build("Europe/Berlin", "00:00-06:00", ["sun"])
    assert business_seconds(s, at("2026-10-24T12:00Z"), at("2026-10-26T00:00Z")) == 7 * H


def test_a_start_inside_the_gap_begins_when_the_clock_jumps():
    ny = zone("America/New_York")
    assert to_epoch(date(2026, 3, 8), parse_span("02:30-03:00").start, ny) == int(
        at("2026-03-08T07:00Z").timestamp()
    )


def test_an_ambiguous_time_is_its_first_occurrence():
    berlin = zone("Europe/Berlin")
    assert to_epoch(date(2026, 10, 25), parse_span("02:30-03:00").start, berlin) == int(
        at("2026-10-25T00:30Z").timestamp()
    )


@pytest.mark.parametrize(
    ("tz", "start_utc"),
    [
        ("Asia/Kathmandu", "03:15"),
        ("Asia/Kolkata", "03:30"),
        ("Australia/Adelaide", "23:30"),
        ("Pacific/Chatham", "20:15"),
    ],  # June: Adelaide +09:30, Chatham +12:45
)
def test_odd_offsets(tz, start_utc):
    s = Schedule.build(tz)
    windows = overlap([s], at("2026-06-09T12:00Z") - timedelta(days=1), at("2026-06-10T12:00Z"))
    assert any(format_instant(w[0])[11:16] == start_utc for w in windows)


def test_zone_whose_rules_changed_uses_the_rules_of_the_day():
    # Moscow was UTC+4 all year in 2013 and is UTC+3 since October 2014.
    s = Schedule.build("Europe/Moscow")
    assert is_working(s, at("2013-07-02T05:00Z"))
    assert not is_working(s, at("2016-07-05T05:00Z"))
    assert is_working(s, at("2016-07-05T06:00Z"))


def test_night_shift_belongs_to_the_day_it_starts():
    s = Schedule.build("UTC", "22:00-06:00", ["fri"])
    assert business_seconds(s, at("2026-03-06T00:00Z"), at("2026-03-09T00:00Z")) == 8 * H
    assert is_working(s, at("2026-03-07T03:00Z"))  # Saturday morning, Friday's shift


def test_holidays_and_absences_remove_whole_windows():
    s = Schedule.build(
        "Europe/Lisbon", holidays="PT", absences=[(date(2026, 12, 28), date(2026, 12, 29))]
    )
    # Week of 2026-12-21: Dec 25 is a holiday. Next week: 28-29 away, Jan 1 a holiday.
    assert business_seconds(s, at("2026-12-21T00:00Z"), at("2026-12-26T00:00Z")) == 32 * H
    assert business_seconds(s, at("2026-12-28T00:00Z"), at("2027-01-02T00:00Z")) == 16 * H


def test_split_windows_and_per_day_hours():
    s = Schedule.build("UTC", {"mon": "09:00-12:00, 13:00-17:00", "fri": "09:00-13:00"})
    assert business_seconds(s, at("2026-03-02T00:00Z"), at("2026-03-09T00:00Z")) == 11 * H
    assert not is_working(s, at("2026-03-02T12:30Z"))


def test_overlapping_windows_are_not_counted_twice():
    s = Schedule.build("UTC", {"mon": "20:00-08:00", "tue": "06:00-10:00"})
    assert business_seconds(s, at("2026-03-02T00:00Z"), at("2026-03-04T00:00Z")) == 14 * H


def test_end_before_start_is_an_error():
    with pytest.raises(ValueError, match="before"):
        business_seconds(Schedule.build("UTC"), at("2026-03-03T00:00Z"), at("2026-03-02T00:00Z"))


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="offset"):
        business_seconds(Schedule.build("UTC"), datetime(2026, 3, 2), at("2026-03-03T00:00Z"))  # noqa: DTZ001


def test_deadline_counts_only_working_time_across_a_weekend_and_dst():
    s = Schedule.build("America/New_York")
    due = deadline(s, at("2026-03-06T20:00Z"), timedelta(hours=24))
    assert format_instant(due) == "2026-03-11T19:00:00Z"


def test_deadline_at_the_end_of_a_window_is_that_end_not_the_next_start():
    s = Schedule.build("UTC")
    assert format_instant(deadline(s, at("2026-03-02T09:00Z"), timedelta(hours=8))) == (
        "2026-03-02T17:00:00Z"
    )


def test_deadline_for_someone_who_never_works_is_an_error():
    with pytest.raises(ValueError):
        deadline(Schedule.build("UTC", {}), at("2026-03-02T09:00Z"), timedelta(hours=1))


def test_bulk_matches_single_questions():
    schedules = {"a": Schedule.build("Asia/Tokyo"), "b": Schedule.build("America/Sao_Paulo")}
    rng = np.random.default_rng(7)
    base = int(at("2026-01-01T00:00Z").timestamp())
    starts = base + rng.integers(0, 300 * 86400, 500)
    ends = starts + rng.integers(0, 20 * 86400, 500)
    people = ["a" if i % 3 else "b" for i in range(500)]
    got = business_seconds_bulk(schedules, people, starts, ends)
    for i in range(0, 500, 25):
        a = datetime.fromtimestamp(int(starts[i]), UTC)
        b = datetime.fromtimestamp(int(ends[i]), UTC)
        assert got[i] == business_seconds(schedules[people[i]], a, b)


def test_bulk_names_the_bad_row():
    with pytest.raises(ValueError, match="row 2"):
        business_seconds_bulk(
            {"a": Schedule.build("UTC")}, ["a", "a"], np.array([0, 10]), np.array([5, 5])
        )
    with pytest.raises(KeyError):
        business_seconds_bulk({}, ["x"], np.array([0]), np.array([5]))


def test_online_and_overlap():
    s = {
        "lis": Schedule.build("Europe/Lisbon"),
        "tyo": Schedule.build("Asia/Tokyo"),
        "sp": Schedule.build("America/Sao_Paulo"),
    }
    assert online(s, at("2026-06-10T08:30Z")) == ["lis"]  # Tokyo has just stopped
    assert online(s, at("2026-06-10T06:00Z")) == ["tyo"]
    assert online(s, at("2026-06-10T13:00Z")) == ["lis", "sp"]
    windows = overlap([s["lis"], s["sp"]], at("2026-06-10T00:00Z"), at("2026-06-11T00:00Z"))
    assert [(format_instant(a), format_instant(b)) for a, b in windows] == [
        ("2026-06-10T12:00:00Z", "2026-06-10T16:00:00Z")
    ]
    assert overlap([s["tyo"], s["sp"]], at("2026-06-10T00:00Z"), at("2026-06-11T00:00Z")) == []


def test_slots_prefer_common_hours_then_the_least_bad():
    s = {"lis": Schedule.build("Europe/Lisbon"), "sp": Schedule.build("America/Sao_Paulo")}
    found = slots(
        s, timedelta(minutes=30), at("2026-06-10T00:00Z"), at("2026-06-11T00:00Z"), limit=3
    )
    assert [x.outside_minutes for x in found] == [0, 0, 0]
    assert all("12:00" <= format_instant(x.start)[11:16] < "16:00" for x in found)
    # Tokyo and Sao Paulo never overlap: still proposes, naming who is outside their hours.
    far = {"tyo": Schedule.build("Asia/Tokyo"), "sp": Schedule.build("America/Sao_Paulo")}
    worst = slots(far, timedelta(hours=1), at("2026-06-10T00:00Z"), at("2026-06-11T00:00Z"))
    assert worst and worst[0].outside_minutes == 60 and len(worst[0].outside) == 1
    # Chosen slots never overlap each other.
    spans = sorted((x.start, x.end) for x in worst)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_chain_orders_units_by_when_their_day_starts():
    units = [
        ("amer", [Schedule.build("America/New_York")]),
        ("apac", [Schedule.build("Asia/Tokyo")]),
        ("emea", [Schedule.build("Europe/Berlin")]),
    ]
    result = chain(units, date(2026, 6, 10))
    assert [(h.source, h.target) for h in result.handoffs] == [
        ("apac", "emea"),
        ("emea", "amer"),
        ("amer", "apac"),
    ]
    # Tokyo ends 08:00Z and Berlin (UTC+2) started 07:00Z: one hour of overlap. Berlin ends
    # 15:00Z, New York (UTC-4) started 13:00Z: two hours. New York ends 21:00Z and Tokyo starts
    # again at 00:00Z: a three-hour gap.
    assert [h.overlap_minutes for h in result.handoffs] == [60, 120, -180]


def test_chain_reports_units_off_that_day():
    units = [
        ("weekday", [Schedule.build("UTC")]),
        ("weekend", [Schedule.build("UTC", "09:00-17:00", ["sat"])]),
    ]
    assert chain(units, date(2026, 6, 10)).off == ["weekend"]


@pytest.mark.parametrize("bad", ["9-5", "25:00-26:00", "09:60-10:00", "", "09:00"])
def test_bad_spans_are_refused(bad):
    with pytest.raises(ValueError):
        parse_spans(bad)


def test_span_text_round_trips_including_midnight():
    assert str(parse_span("18:00-24:00")) == "18:00-24:00"
    assert parse_span("22:00-06:00").overnight


@pytest.mark.parametrize(
    ("text", "minutes"), [("30m", 30), ("1h30m", 90), ("2h", 120), ("45", 45), ("1d", 1440)]
)
def test_durations(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("bad", ["", "0", "soon", "-5m"])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_instants_need_an_offset():
    with pytest.raises(ValueError, match="offset"):
        parse_instant("2026-03-02T09:00")
    assert format_instant(parse_instant("2026-03-02T09:00+05:45")) == "2026-03-02T03:15:00Z"


def test_unknown_zone_and_holiday_calendar():
    with pytest.raises(ValueError, match="IANA"):
        Schedule.build("Mars/Base")
    with pytest.raises(ValueError, match="holiday"):
        Schedule.build("UTC", holidays="XX")


def test_a_week_of_working_hours_in_words():
    from sunrelay.worktime import describe_week

    assert describe_week(dict.fromkeys(("mon", "tue", "wed", "thu"), "09:00-17:00") | {
        "fri": "09:00-13:00"
    }) == "Mon–Thu 09:00-17:00, Fri 09:00-13:00"  # fmt: skip
    sun_to_thu = dict.fromkeys(("sun", "mon", "tue", "wed", "thu"), "10:00-18:00")
    assert describe_week(sun_to_thu) == "Sun–Thu 10:00-18:00"
    assert describe_week({"mon": "09:00-12:00", "wed": "09:00-12:00"}) == (
        "Mon 09:00-12:00, Wed 09:00-12:00"
    )
    assert describe_week({"sat": "22:00-06:00", "sun": "22:00-06:00"}) == "Sat–Sun 22:00-06:00"
    assert describe_week({}) == "no working hours"
