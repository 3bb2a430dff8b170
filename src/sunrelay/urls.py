"""URL map: the hub's pages, the JSON API and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sunrelay.api import api
from sunrelay.core import views as core_views
from sunrelay.delivery.pages import exporter

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # an invitation: Django's one-time password-reset link, worded as choosing a password
    path(
        "invite/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/invite.html", success_url="/login/?invited=1"
        ),
        name="invite",
    ),
    path("admin/", admin.site.urls),
    path("preview/", core_views.preview, name="preview"),
    path("api/v1/", api.urls),
    path("decisions/", include("sunrelay.decisions.urls")),
    path("cadence/", include("sunrelay.cadence.urls")),
    path("notifications/", include("sunrelay.notify.urls")),
    path("oncall/", include("sunrelay.oncall.urls")),
    path("incidents/", include("sunrelay.incidents.urls")),
    path("health/", include("sunrelay.delivery.urls")),
    path("work/", include("sunrelay.work.urls")),
    path("org-health/", include("sunrelay.health.urls")),
    path("knowledge/", include("sunrelay.knowledge.urls")),
    path("access/", include("sunrelay.access.urls")),
    path("onboarding/", include("sunrelay.onboarding.urls")),
    path("metrics", exporter.metrics, name="metrics"),
    path("", include("sunrelay.people.urls")),
]
