from django.urls import path

from . import views

app_name = "scorecard"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_page, name="year"),
    path("<int:year>/manual/", views.manual, name="manual"),
    path("<int:year>/export.<str:fmt>", views.export_file, name="export"),
    path("<int:year>/<slug:key>/", views.drill, name="drill"),
]
