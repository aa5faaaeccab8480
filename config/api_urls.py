"""API v1: each app contributes its routes in its own ``api.py``."""

from django.urls import include, path

urlpatterns = [
    path("", include("xieshang.handling.api")),
    path("", include("xieshang.proposals.api")),
    path("", include("xieshang.opinions.api")),
    path("", include("xieshang.consultations.api")),
    path("", include("xieshang.outreach.api")),
]
