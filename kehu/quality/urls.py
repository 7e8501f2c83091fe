from django.urls import path

from kehu.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("start/", views.start, name="start"),
    path("sample/", views.sample, name="sample"),
    path("mine/", views.mine, name="mine"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:evaluation_id>/score/", views.evaluation_score, name="score"),
    path("evaluations/<int:evaluation_id>/remarks/", views.remark, name="remark"),
    path("evaluations/<int:evaluation_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("evaluations/<int:evaluation_id>/appeal/", views.appeal, name="appeal"),
    path("evaluations/<int:evaluation_id>/decide/", views.decide, name="decide"),
    path("evaluations/<int:evaluation_id>/library/", views.add_to_library, name="add_to_library"),
    path("reports/", views.reports, name="reports"),
    path("reports/export/", views.reports_export, name="reports_export"),
    path("library/", views.library, name="library"),
]
