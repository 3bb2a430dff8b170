"""The working-time engine: the one place Sunrelay reasons about when people work.

Pure Python (and NumPy for bulk work); no Django. A ``Schedule`` holds a person's zone,
working hours, holiday calendar and absences; the functions in ``queries`` answer questions
about it with real instants, correct across daylight-saving changes and odd offsets.
"""

from sunrelay.worktime.calendar import HolidayCalendar, check_code
from sunrelay.worktime.hours import (
    WEEKDAYS,
    Span,
    describe_week,
    format_spans,
    parse_span,
    parse_spans,
    parse_weekday,
)
from sunrelay.worktime.instants import (
    format_instant,
    format_optional,
    parse_duration,
    parse_instant,
)
from sunrelay.worktime.periods import Period, parse_period, usual_day
from sunrelay.worktime.queries import (
    Chain,
    Handoff,
    NoWorkingTime,
    Shift,
    Slot,
    business_seconds,
    business_seconds_bulk,
    business_seconds_coded,
    chain,
    deadline,
    epoch,
    is_working,
    online,
    overlap,
    slots,
)
from sunrelay.worktime.schedule import Schedule
from sunrelay.worktime.timeline import Tables, Timeline
from sunrelay.worktime.weekly import WeeklyTime, parse_weekly_time
from sunrelay.worktime.zones import from_epoch, is_zone, to_epoch, zone

__all__ = [
    "WEEKDAYS",
    "Chain",
    "Handoff",
    "HolidayCalendar",
    "NoWorkingTime",
    "Period",
    "Schedule",
    "Shift",
    "Slot",
    "Span",
    "Tables",
    "Timeline",
    "WeeklyTime",
    "business_seconds",
    "business_seconds_bulk",
    "business_seconds_coded",
    "chain",
    "check_code",
    "deadline",
    "describe_week",
    "epoch",
    "format_instant",
    "format_optional",
    "format_spans",
    "from_epoch",
    "is_working",
    "is_zone",
    "online",
    "overlap",
    "parse_duration",
    "parse_instant",
    "parse_period",
    "parse_span",
    "parse_spans",
    "parse_weekday",
    "parse_weekly_time",
    "slots",
    "to_epoch",
    "usual_day",
    "zone",
]
