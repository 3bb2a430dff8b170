from django.urls import path

from sunrelay.health import views

app_name = "orghealth"

urlpatterns = [
    path("", views.heat_map, name="heat_map"),
    path("diagnose/", views.organisation, name="diagnose"),
    path("teams/<str:slug>/", views.team, name="team"),
    path("concerns/", views.concern_list, name="concerns"),
    path("drift/", views.drift_page, name="drift"),
    path("maturity/", views.maturity_page, name="maturity"),
    path("single-points/", views.single_points_page, name="single_points"),
    path("pulse/<str:slug>/", views.pulse_page, name="pulse"),
    path("trace/<str:kind>/<int:pk>/", views.trace_page, name="trace"),
    path("concerns/<int:pk>/", views.concern, name="concern"),
]
