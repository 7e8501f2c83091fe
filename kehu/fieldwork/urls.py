from django.urls import path

from kehu.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("visits/", views.visit_day, name="visits"),
    path("visits/week/", views.visit_week, name="week"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("visits/<int:visit_id>/appointment/", views.visit_appointment, name="visit_appointment"),
    path("visits/<int:visit_id>/check-in/", views.visit_check_in, name="visit_check_in"),
    path("visits/<int:visit_id>/record/", views.visit_record, name="visit_record"),
    path("visits/<int:visit_id>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("visits/<int:visit_id>/move/", views.visit_move, name="visit_move"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/refresh/", views.report_refresh, name="report_refresh"),
    path("reports/<int:report_id>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:report_id>/comment/", views.report_comment, name="report_comment"),
    path("targets/", views.targets, name="targets"),
]
