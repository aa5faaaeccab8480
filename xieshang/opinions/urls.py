from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("", views.report_list, name="mine"),
    path("office/", views.report_list, name="office"),
    path("released/", views.report_list, name="released"),
    path("new/", views.report_new, name="new"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="edit"),
    path("reports/<int:pk>/resubmit/", views.report_resubmit, name="resubmit"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="action"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/docx/", views.issue_docx, name="issue_docx"),
    path("issues/<int:pk>/<str:action>/", views.issue_action, name="issue_action"),
    path("stats/", views.stats, name="stats"),
]
