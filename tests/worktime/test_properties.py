"""Property tests: the engine against a slow, obvious implementation over random zones,
dates and schedules, plus the algebra every SLA calculation relies on."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sunrelay.worktime import Schedule, Span, business_seconds, business_seconds_bulk

ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "America/St_Johns",
    "America/Santiago",
    "America/Havana",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Tehran",
    "Europe/Moscow",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Africa/Casablanca",
    "Asia/Tokyo",
]

clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
spans = st.builds(Span, clock, clock)
weeks = st.lists(
    st.lists(spans, max_size=2).map(lambda s: tuple(sorted(s))), min_size=7, max_size=7
)
days = st.dates(date(2005, 1, 1), date(2030, 12, 31))


@st.composite
def schedules(draw):
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    absences = tuple(
        sorted(
            (d, d + timedelta(days=draw(st.integers(0, 3))))
            for d in draw(st.lists(days, max_size=2))
        )
    )
    return Schedule(zone=tz, hours=tuple(draw(weeks)), absences=absences)


@st.composite
def ranges(draw, max_days=6):
    start = datetime.combine(draw(days), time(0), UTC) + timedelta(
        minutes=15 * draw(st.integers(0, 95))
    )
    end = start + timedelta(minutes=15 * draw(st.integers(0, max_days * 96)))
    return start, end


def first_instant_showing(day: date, at: time, tz: ZoneInfo) -> int:
    """Scan minute by minute for the first instant whose local clock shows >= day at."""
    target = datetime.combine(day, at)
    t = int(datetime.combine(day, at, UTC).timestamp()) - 15 * 3600
    while datetime.fromtimestamp(t, tz).replace(tzinfo=None) < target:
        t += 60
    return t


def obvious(schedule: Schedule, start: datetime, end: datetime) -> int:
    a, b = int(start.timestamp()), int(end.timestamp())
    intervals = []
    day = datetime.fromtimestamp(a, UTC).date() - timedelta(days=2)
    while day <= datetime.fromtimestamp(b, UTC).date() + timedelta(days=1):
        if not schedule.is_day_off(day):
            for span in schedule.hours[day.weekday()]:
                s = first_instant_showing(day, span.start, schedule.zone)
                e_day = day + timedelta(days=1) if span.end <= span.start else day
                e = first_instant_showing(e_day, span.end, schedule.zone)
                if e > s:
                    intervals.append((max(s, a), min(e, b)))
        day += timedelta(days=1)
    total, reach = 0, None
    for s, e in sorted(i for i in intervals if i[0] < i[1]):
        if reach is None or s > reach:
            total += e - s
            reach = e
        elif e > reach:
            total += e - reach
            reach = e
    return total


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(schedules(), ranges(max_days=4))
def test_agrees_with_the_obvious_implementation(schedule, span):
    assert business_seconds(schedule, *span) == obvious(schedule, *span)


@FAST
@given(schedules(), ranges(), st.integers(0, 8 * 96))
def test_durations_add_up_over_adjacent_ranges(schedule, span, extra):
    a, b = span
    c = b + timedelta(minutes=15 * extra)
    assert business_seconds(schedule, a, b) + business_seconds(schedule, b, c) == (
        business_seconds(schedule, a, c)
    )


@FAST
@given(schedules(), ranges())
def test_bounds(schedule, span):
    a, b = span
    assert 0 <= business_seconds(schedule, a, b) <= (b - a).total_seconds()


@FAST
@given(schedules(), st.lists(ranges(), min_size=1, max_size=20))
def test_bulk_agrees_with_single(schedule, spans):
    starts = np.array([int(a.timestamp()) for a, _ in spans])
    ends = np.array([int(b.timestamp()) for _, b in spans])
    got = business_seconds_bulk({"p": schedule}, ["p"] * len(spans), starts, ends)
    assert list(got) == [business_seconds(schedule, a, b) for a, b in spans]


@FAST
@given(
    st.lists(schedules(), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, 3), ranges(max_days=40)), min_size=1, max_size=30),
)
def test_bulk_over_many_people_agrees_with_single(people, rows):
    """Rows of several people (two of them sharing one schedule object) through the day
    tables: the same answers as one question at a time, including on rows that start or end
    on a UTC midnight, in a daylight-saving change or inside a night shift."""
    shared = [*people, people[0]]
    who = [i % len(shared) for i, _ in rows]
    starts = np.array([int(a.timestamp()) for _, (a, _) in rows])
    ends = np.array([int(b.timestamp()) for _, (_, b) in rows])
    got = business_seconds_bulk(
        {f"p{i}": shared[i] for i in set(who)}, [f"p{i}" for i in who], starts, ends
    )
    one_by_one = [
        business_seconds(shared[w], a, b) for w, (_, (a, b)) in zip(who, rows, strict=True)
    ]
    assert list(got) == one_by_one


@FAST
@given(schedules(), ranges(max_days=0))
def test_online_agrees_with_is_working(schedule, span):
    from sunrelay.worktime import is_working, online

    at = span[0]
    assert (online({"p": schedule, "q": schedule.typical()}, at) == ["p", "q"]) == (
        is_working(schedule, at) and is_working(schedule.typical(), at)
    )
    assert ("p" in online({"p": schedule}, at)) == is_working(schedule, at)
