"""Request plumbing for pages: the viewer's time zone and domain errors as error pages.

The viewer's zone: ``?tz=`` wins, then the ``tz`` cookie the browser sets, then UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sunrelay.core.errors import SunrelayError, ValidationFailed
from sunrelay.worktime import is_zone


def viewer_zone(request: HttpRequest) -> ZoneInfo:
    for candidate in (request.GET.get("tz"), request.COOKIES.get("tz")):
        if candidate and is_zone(candidate):
            return ZoneInfo(candidate)
    return ZoneInfo("UTC")


class ViewerZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.viewer_zone = viewer_zone(request)  # type: ignore[attr-defined]
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in a form field or query parameter is refused (400, naming the field):
    no field means one, and PostgreSQL cannot store it. JSON bodies are checked by the API's
    parser, alert intake drops them (docs/oncall.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for data in (request.GET, request.POST):
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    error = ValidationFailed("contains a NUL character", field=key.strip("\x00"))
                    error.status = 400
                    return render(request, "core/error.html", {"error": error}, status=400)
        return self.get_response(request)


class DomainErrorMiddleware:
    """Pages: a domain error becomes an error page with its status (404 for *NotFound)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, SunrelayError):
            return None
        if exc.code == "not_linked":  # a page that needs you to be someone: say who first
            messages.info(request, "Tell Sunrelay who you are first: then this page works.")
            back = request.get_full_path() if request.method == "GET" else "/"
            return redirect(f"/setup/?{urlencode({'next': back})}")
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
