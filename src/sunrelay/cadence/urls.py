from django.urls import path

from sunrelay.cadence import views

app_name = "cadence"
urlpatterns = [
    path("status/", views.status_home, name="status"),
    path("status/new/", views.write_update, name="write"),
    path("teams/<str:team>/", views.team_week, name="team"),
    path("teams/<str:team>/follow/", views.follow, name="follow"),
    path("teams/<str:team>/risks/", views.risk_register, name="risks"),
    path("teams/<str:team>/rituals/", views.team_rituals, name="rituals"),
    path("teams/<str:team>/<str:week>/", views.team_week, name="team_week"),
    path("items/<int:pk>/", views.settle_item, name="item"),
    path("handoffs/", views.handoff_board, name="handoffs"),
    path("handoffs/<int:pk>/", views.handoff_detail, name="handoff"),
    path("rituals/<int:pk>/", views.ritual, name="ritual"),
    path("rituals/<int:pk>/retro/", views.retro, name="retro"),
    path("recurrence/", views.recurrence, name="recurrence"),
    path("burden/", views.burden, name="burden"),
    path("one-on-ones/", views.one_on_ones, name="one_on_ones"),
    path("calendar/", views.calendars, name="calendars"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
