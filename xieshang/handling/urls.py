app_name = "handling"
urlpatterns: list = []
