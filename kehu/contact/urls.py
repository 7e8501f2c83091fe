from django.urls import path

from kehu.contact import views

app_name = "contact"
urlpatterns = [
    path("staffing/", views.staffing_page, name="staffing"),
    path("pop/", views.screen_pop, name="pop"),
    path("interactions/", views.interactions_page, name="interactions"),
    path("cdr/", views.cdr_import_page, name="cdr"),
]
urlpatterns += [
    path("wallboard/", views.wallboard_page, name="wallboard"),
    path("wallboard/body/", views.wallboard_partial, name="wallboard_body"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/export/", views.reports_export, name="reports_export"),
]
