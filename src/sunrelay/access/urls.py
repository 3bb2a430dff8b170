from django.urls import path

from sunrelay.access import views

app_name = "access"

urlpatterns = [
    path("", views.register, name="register"),
    path("request/", views.ask, name="request"),
    path("grants/<int:pk>/", views.grant, name="grant"),
    path("grants/<int:pk>/approve/", views.decide, {"verb": "approved"}, name="approve"),
    path("grants/<int:pk>/deny/", views.decide, {"verb": "denied"}, name="deny"),
    path("grants/<int:pk>/revoke/", views.decide, {"verb": "revoked"}, name="revoke"),
]
