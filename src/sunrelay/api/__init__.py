"""The JSON API at /api/v1/: mounts each domain's router and maps errors to HTTP in one place.

Errors always look like ``{"code", "message", "field"}``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from sunrelay import __version__
from sunrelay.api.auth import BearerToken, SessionUser
from sunrelay.api.parsing import StrictParser
from sunrelay.core.errors import SunrelayError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Sunrelay API",
    version=__version__,
    description="People, teams, components, absences, working-time queries, decisions, "
    "the team cadence, notifications, on-call, incidents, delivery metrics and work in flight. "
    "Authenticate with `Authorization: Bearer <token>` (`sunrelay token create`).",
    auth=[BearerToken(), SessionUser()],
    parser=StrictParser(),
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


@api.exception_handler(SunrelayError)
def _domain_error(request: HttpRequest, exc: SunrelayError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(SchemaError)
def _schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path", "payload")]
    return _error(request, 422, "invalid", first.get("msg", "invalid input"), ".".join(loc) or None)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthorized", "a valid bearer token is required")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, SunrelayError):  # ninja wraps what our parser refused
        return _domain_error(request, exc.__cause__)
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _error(request, 413, "too_large", f"the body is larger than {limit} MB", "body")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return _error(request, 400, "bad_request", "the request could not be read")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return _error(request, 500, "internal", "something went wrong on our side; it has been logged")


def _mount() -> None:
    from sunrelay.access.api import router as access_router
    from sunrelay.cadence.api import router as cadence_router
    from sunrelay.decisions.api import router as decisions_router
    from sunrelay.delivery.api import metrics_router, webhook_router
    from sunrelay.delivery.api import router as delivery_router
    from sunrelay.health.api import router as health_router
    from sunrelay.incidents.api import router as incidents_router
    from sunrelay.knowledge.api import router as knowledge_router
    from sunrelay.notify.api import router as notify_router
    from sunrelay.onboarding.api import router as onboarding_router
    from sunrelay.oncall.api import intake_router
    from sunrelay.oncall.api import router as oncall_router
    from sunrelay.people.api import router as people_router
    from sunrelay.people.time_api import router as time_router
    from sunrelay.work.api import router as work_router

    api.add_router("/", people_router)
    api.add_router("/", decisions_router)
    api.add_router("/time", time_router)
    api.add_router("/cadence", cadence_router)
    api.add_router("/notify", notify_router)
    api.add_router("/oncall", oncall_router)
    api.add_router("/oncall", intake_router)
    api.add_router("/incidents", incidents_router)
    api.add_router("/delivery", delivery_router)
    api.add_router("/delivery", webhook_router)
    api.add_router("/metrics", metrics_router)
    api.add_router("/work", work_router)
    api.add_router("/health", health_router)
    api.add_router("/knowledge", knowledge_router)
    api.add_router("/access", access_router)
    api.add_router("/onboarding", onboarding_router)


_mount()
