"""Root URLs. Each app owns its own urls module."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from xieshang.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("handling/", include("xieshang.handling.urls")),
    path("proposals/", include("xieshang.proposals.urls")),
    path("opinions/", include("xieshang.opinions.urls")),
    path("consultations/", include("xieshang.consultations.urls")),
    path("public/", include("xieshang.portal.urls")),
    path("", include("xieshang.core.urls")),
]
