from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/<str:action>/", views.topic_action, name="topic_action"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/signin-code.svg", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/<str:action>/", views.activity_action, name="activity_action"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/<str:action>/", views.suggestion_action, name="suggestion_action"),
    path("signin/<str:token>/", views.sign_in, name="signin"),
    path("participants/<int:pk>/<str:action>/", views.participant_action, name="participant_action"),
    path("public/", views.public_index, name="public_index"),
    path("public/plans/<int:year>/", views.public_plan, name="public_plan"),
    path("public/topics/new/", views.public_topic_new, name="public_topic_new"),
    path("public/topics/<int:pk>/", views.public_topic, name="public_topic"),
]
