from django.urls import path

app_name = "handling"
urlpatterns: list = []
