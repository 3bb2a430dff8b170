"""Public-holiday calendars from the ``holidays`` library, cached per country and subdivision."""

from __future__ import annotations

import functools
from datetime import date

import holidays


@functools.cache
def subdivisions(country: str) -> tuple[str, ...] | None:
    """The subdivision codes of a supported country, None for an unsupported one. Only that
    country's calendar is loaded (listing every supported country loads all of them: a
    tenth of a second of every command that reads an org file)."""
    try:
        return tuple(holidays.country_holidays(country).subdivisions)
    except NotImplementedError:
        return None


def split_code(code: str) -> tuple[str, str | None]:
    """'BR' -> ('BR', None); 'US-CA' -> ('US', 'CA')."""
    country, _, subdivision = code.strip().partition("-")
    return country.upper(), (subdivision or None)


def check_code(code: str) -> str | None:
    """None when ``code`` names a supported calendar, else a message saying what is wrong."""
    if not isinstance(code, str) or not code.strip():
        return f"{code!r} is not a holiday calendar (use an ISO country code such as 'BR')"
    country, subdivision = split_code(code)
    known = subdivisions(country)
    if known is None:
        return f"{country!r} is not a supported holiday country (ISO 3166-1 alpha-2, e.g. 'BR')"
    if subdivision is not None and subdivision not in known:
        return f"{subdivision!r} is not a subdivision of {country} the holiday calendar knows"
    return None


class HolidayCalendar:
    """Answers "is this local date a public holiday?" for one country (and subdivision)."""

    def __init__(self, code: str):
        problem = check_code(code)
        if problem:
            raise ValueError(problem)
        self.code = code.strip()
        self._country, self._subdivision = split_code(code)
        self._years: dict[int, dict[date, str]] = {}

    def _year(self, year: int) -> dict[date, str]:
        days = self._years.get(year)
        if days is None:
            found = holidays.country_holidays(self._country, subdiv=self._subdivision, years=year)
            days = self._years[year] = dict(found.items())
        return days

    def __contains__(self, day: date) -> bool:
        return day in self._year(day.year)

    def name(self, day: date) -> str | None:
        return self._year(day.year).get(day)


@functools.cache
def calendar(code: str) -> HolidayCalendar:
    return HolidayCalendar(code)
