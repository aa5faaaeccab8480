from django.urls import path

from . import views, views_assist

app_name = "handling"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("workbench/", views.workbench, name="workbench"),
    path("supervision/", views.supervision, name="supervision"),
    path("metrics/", views.unit_metrics, name="metrics"),
    path("items/<int:item_id>/", views.item_detail, name="item"),
    path("items/<int:item_id>/contact/", views.item_contact_reveal, name="item_contact_reveal"),
    path("items/<int:item_id>/assign/", views.item_assign, name="item_assign"),
    path("items/<int:item_id>/decline/", views.item_decline, name="item_decline"),
    path("items/<int:item_id>/supervise/", views.item_supervise, name="item_supervise"),
    path("assignments/<int:assignment_id>/sign/", views.assignment_sign, name="assignment_sign"),
    path("assignments/<int:assignment_id>/contact/", views.assignment_contact, name="assignment_contact"),
    path("assignments/<int:assignment_id>/return/", views.assignment_return, name="assignment_return"),
    path("assignments/<int:assignment_id>/extend/", views.assignment_extend, name="assignment_extend"),
    path("assignments/<int:assignment_id>/opinion/", views.assignment_opinion, name="assignment_opinion"),
    path("assignments/<int:assignment_id>/reply/", views.assignment_reply, name="assignment_reply"),
    path("assignments/<int:assignment_id>/escalate/", views.assignment_escalate, name="assignment_escalate"),
    path("assignments/<int:assignment_id>/reassign/", views.assignment_reassign, name="assignment_reassign"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("replies/<int:reply_id>/review/", views.reply_review, name="reply_review"),
    path("items/<int:item_id>/assist/", views_assist.assist_panel, name="assist_panel"),
    path("assignments/<int:assignment_id>/reply-check/", views_assist.reply_check, name="reply_check"),
    path("hotspots/", views_assist.hotspots, name="hotspots"),
    path("assist/model/", views_assist.model_page, name="assist_model"),
    path("assist/model/train/", views_assist.model_train, name="assist_train"),
    path("assist/model/trainings/<int:training_id>/", views_assist.model_training, name="assist_training"),
]
