from django.contrib.auth.decorators import login_required
from django.urls import path

from sunrelay.people import editors, views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("search/", views.find, name="search"),
    path("setup/", views.setup, name="setup"),
    path("directory/add-person/", login_required(editors.new_person), name="new_person"),
    path("directory/add-team/", login_required(editors.new_team), name="new_team"),
    path("directory/add-component/", login_required(editors.new_component), name="new_component"),
    path("people/<str:pid>/edit/", login_required(editors.edit_person), name="edit_person"),
    path("people/<str:pid>/remove/", login_required(editors.remove_person), name="remove_person"),
    path("teams/<str:tid>/edit/", login_required(editors.edit_team), name="edit_team"),
    path("teams/<str:tid>/remove/", login_required(editors.remove_team), name="remove_team"),
    path(
        "components/<str:cid>/edit/", login_required(editors.edit_component), name="edit_component"
    ),
    path(
        "components/<str:cid>/remove/",
        login_required(editors.remove_component),
        name="remove_component",
    ),
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
