from django.urls import path

from kehu.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("data/<slug:key>.csv", views.chart_csv, name="chart_csv"),
    path("win-back/", views.win_back, name="win_back"),
    path("win-back/export/", views.win_back_export, name="win_back_export"),
]
