from django.urls import path

from kehu.workforce import views

app_name = "workforce"
urlpatterns = [
    path("forecast/", views.forecast_page, name="forecast"),
    path("roster/", views.roster_page, name="roster"),
    path("shifts/", views.shifts_page, name="shifts"),
]
