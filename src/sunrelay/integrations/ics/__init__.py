"""iCalendar (RFC 5545) input: absences from a person's out-of-office calendar."""

from sunrelay.integrations.ics.absences import IcsAbsence, parse_out_of_office

__all__ = ["IcsAbsence", "parse_out_of_office"]
