from django.urls import path

from sunrelay.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("<str:person>/", views.programme, name="programme"),
    path("<str:person>/tick/", views.tick, name="tick"),
    path("<str:person>/buddies/", views.buddies, name="buddies"),
    path("<str:person>/review/", views.review, name="review"),
]
