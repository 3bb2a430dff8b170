from django.urls import path

from sunrelay.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("action-items/", views.action_items, name="action_items"),
    path("postmortems/", views.postmortems, name="postmortems"),
    path("<int:pk>/", views.room, name="room"),
    path("<int:pk>/status/", views.status_page, name="status"),
    path("<int:pk>/postmortem/", views.postmortem, name="postmortem"),
]
