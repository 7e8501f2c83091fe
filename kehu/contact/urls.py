from django.urls import path

from kehu.contact import views

app_name = "contact"
urlpatterns = [
    path("staffing/", views.staffing_page, name="staffing"),
]
