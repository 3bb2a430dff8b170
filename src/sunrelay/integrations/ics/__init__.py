"""iCalendar (RFC 5545): absences from out-of-office calendars in, calendar feeds out."""

from sunrelay.integrations.ics.absences import IcsAbsence, parse_out_of_office
from sunrelay.integrations.ics.feed import FeedEvent, render

__all__ = ["FeedEvent", "IcsAbsence", "parse_out_of_office", "render"]
