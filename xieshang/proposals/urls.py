from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("review/", views.review, name="review"),
    path("review/merge-suggestions/", views.merge_suggestions, name="merge_suggestions"),
    path("handling/", views.handling, name="handling"),
    path("rates/", views.rates, name="rates"),
    path("key/", views.key_list, name="key"),
    path("compilation.docx", views.compilation, name="compilation"),
    path("import/", views.import_view, name="import"),
    path("history.xlsx", views.history_export, name="history_export"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/assignment-letter.docx", views.assignment_letter, name="assignment_letter"),
    path("<int:pk>/replies/<int:reply_id>/letter.docx", views.reply_letter, name="reply_letter"),
]
