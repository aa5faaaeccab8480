from django.urls import path

from . import views, views_records

app_name = "duties"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("mine/file.pdf", views.mine_pdf, name="mine_pdf"),
    path("members/<int:pk>/<int:year>/", views.duty_file, name="file"),
    path("members/<int:pk>/<int:year>/file.pdf", views.duty_file_pdf, name="file_pdf"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/leave/", views.leave, name="leave"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("records/<slug:kind>/", views_records.listing, name="records"),
    path("records/<slug:kind>/new/", views_records.record_new, name="record_new"),
    path("records/<slug:kind>/<int:pk>/edit/", views_records.record_edit, name="record_edit"),
    path("records/<slug:kind>/<int:pk>/delete/", views_records.record_delete, name="record_delete"),
]
