from django.urls import path

from sunrelay.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.now, name="now"),
    path("setup/", views.setup, name="setup"),
    path("setup/routes/", views.routes_edit, name="routes"),
    path("setup/integrations/", views.integration_new, name="integration_new"),
    path("schedules/new/", views.schedule_edit, name="schedule_new"),
    path("schedules/<str:slug>/", views.schedule, name="schedule"),
    path("schedules/<str:slug>/edit/", views.schedule_edit, name="schedule_edit"),
    path(
        "schedules/<str:slug>/overrides/<int:pk>/remove/",
        views.remove_override,
        name="override_remove",
    ),
    path("policies/new/", views.policy_edit, name="policy_new"),
    path("policies/<str:slug>/edit/", views.policy_edit, name="policy_edit"),
    path(
        "schedules/<str:slug>/delete/", views.delete, {"kind": "schedule"}, name="schedule_delete"
    ),
    path("policies/<str:slug>/delete/", views.delete, {"kind": "policy"}, name="policy_delete"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("link/<str:token>", views.link, name="link"),
]
