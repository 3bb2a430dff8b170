"""The viewer's time zone: ``?tz=`` wins, then the ``tz`` cookie the browser sets, then UTC."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse

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
