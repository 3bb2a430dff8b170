from django.urls import path

from sunrelay.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("components/<str:slug>/", views.component, name="component"),
    path("components/<str:slug>/refresh", views.refresh, name="refresh"),
]
