from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("messages/new/", views.submit, name="submit"),
    path("messages/same-matter/", views.same_matter_hint, name="same_matter"),
    path("messages/receipt/<uuid:token>/", views.receipt, name="receipt"),
    path("areas/communities/", views.communities, name="communities"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.status, name="status"),
    path("track/<str:code>/rate/", views.rate, name="rate"),
]
