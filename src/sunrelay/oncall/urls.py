from django.urls import path

from sunrelay.oncall import views

app_name = "oncall"
urlpatterns = [
    path("", views.now, name="now"),
    path("schedules/<slug:slug>/", views.schedule, name="schedule"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("link/<str:token>", views.link, name="link"),
]
