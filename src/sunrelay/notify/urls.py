from django.urls import path

from sunrelay.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("preferences/", views.preferences, name="preferences"),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
    path("dead-letters/<int:pk>/retry/", views.retry, name="retry"),
]
