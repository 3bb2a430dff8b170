from django.urls import path

from sunrelay.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("setup/", views.setup, name="setup"),
    path("people/<str:pid>/link/", views.link, name="link"),
    path("people/<str:pid>/invite/", views.invite, name="invite"),
    path("people/<str:pid>/", views.person, name="person"),
    path("people/<str:pid>/absences/", views.add_absence, name="add_absence"),
    path(
        "people/<str:pid>/absences/<int:absence_id>/remove/",
        views.remove_absence,
        name="remove_absence",
    ),
    path("teams/<str:tid>/", views.team, name="team"),
    path("components/", views.components, name="components"),
]
