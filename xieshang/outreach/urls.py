from django.urls import path

from . import office_views as office
from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("counts/<str:key>/", views.count, name="count"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("stations/<int:pk>/roster/", views.station_roster, name="station_roster"),
    path("stations/<int:pk>/shifts/add/", views.shift_add, name="shift_add"),
    path("shifts/<int:pk>/remove/", views.shift_remove, name="shift_remove"),
    path("stations/<int:pk>/swap/", views.shift_swap, name="shift_swap"),
    path("stations/<int:pk>/swaps/request/", views.swap_request, name="swap_request"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("stations/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/dispose/", views.visit_dispose, name="visit_dispose"),
    path("visits/<int:pk>/feedback/", views.visit_feedback, name="visit_feedback"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/rate/", views.appeal_rate, name="appeal_rate"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("groups/<int:pk>/problems/", office.problem_raise, name="problem_raise"),
    # the committee office's set-up pages
    path("office/", office.setup, name="setup"),
    path("office/stations/new/", office.station_new, name="station_new"),
    path("office/stations/<int:pk>/edit/", office.station_edit, name="station_edit"),
    path("office/enterprises/", office.enterprise_list, name="office_enterprises"),
    path("office/enterprises/<int:pk>/", office.enterprise, name="office_enterprise"),
    path("office/enterprises/<int:pk>/edit/", office.enterprise_edit, name="enterprise_edit"),
    path("office/enterprises/<int:pk>/link/", office.enterprise_link, name="enterprise_link"),
    path("office/links/<int:pk>/end/", office.enterprise_unlink, name="enterprise_unlink"),
    path("office/enterprises/<int:pk>/visits/", office.enterprise_visit, name="enterprise_visit"),
    path("office/enterprises/<int:pk>/appeals/", office.enterprise_appeal, name="enterprise_appeal"),
    path("office/groups/", office.group_list, name="office_groups"),
    path("office/groups/<int:pk>/edit/", office.group_edit, name="group_edit"),
    path("office/teams/", office.team_list, name="office_teams"),
    path("office/teams/<int:pk>/", office.team, name="office_team"),
    path("office/teams/<int:pk>/edit/", office.team_edit, name="team_edit"),
    path("office/teams/<int:pk>/volunteers/", office.volunteer_add, name="volunteer_add"),
    path("office/volunteers/<int:pk>/leave/", office.volunteer_leave, name="volunteer_leave"),
    path("office/teams/<int:pk>/services/", office.service_add, name="service_add"),
    path("public/", views.public_stations, name="public_stations"),
    path("public/stations/<int:pk>/", views.public_station, name="public_station"),
    path("public/sent/<uuid:token>/", views.public_sent, name="public_sent"),
]
