from django.urls import path

from sunrelay.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_log, name="log"),
    path("new/", views.edit, name="new"),
    path("preview/", views.preview, name="preview"),
    path("waiting/", views.waiting, name="waiting"),
    path("<int:pk>/", views.record, name="record"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
