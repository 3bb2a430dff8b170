from django.urls import path

from sunrelay.work import views

app_name = "work"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("migrations/", views.migrations, name="migrations"),
    path("work.yaml", views.export, name="export"),
    path("import/", views.import_file, name="import"),
    path("teams/<str:slug>/", views.board, name="board"),
    path("teams/<str:slug>/add/", views.add, name="add"),
    path("teams/<str:slug>/capacity/", views.raise_signal, name="capacity"),
    path("teams/<str:slug>/valves/<str:name>/<str:verb>/", views.valve, name="valve"),
    path("signals/<int:pk>/", views.signal, name="signal"),
    path("signals/<int:pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/", views.initiative, name="initiative"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/target/", views.target, name="target"),
    path("<int:pk>/criteria/", views.add_criterion, name="add_criterion"),
    path("<int:pk>/links/", views.link, name="link"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/criteria/<int:position>/", views.criterion, name="criterion"),
]
