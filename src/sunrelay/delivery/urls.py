from django.urls import path

from sunrelay.delivery import views

app_name = "delivery"
urlpatterns = [
    path("", views.organisation, name="health"),
    path("deployments/", views.deployments, name="deployments"),
    path("pulls/", views.pulls, name="pulls"),
    path("<slug:slug>/", views.team, name="team"),
]
