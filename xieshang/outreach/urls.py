from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("counts/<str:key>/", views.count, name="count"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("stations/<int:pk>/roster/", views.station_roster, name="station_roster"),
    path("stations/<int:pk>/swap/", views.shift_swap, name="shift_swap"),
    path("stations/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/dispose/", views.visit_dispose, name="visit_dispose"),
    path("visits/<int:pk>/feedback/", views.visit_feedback, name="visit_feedback"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/rate/", views.appeal_rate, name="appeal_rate"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("public/", views.public_stations, name="public_stations"),
    path("public/stations/<int:pk>/", views.public_station, name="public_station"),
    path("public/sent/<uuid:token>/", views.public_sent, name="public_sent"),
]
