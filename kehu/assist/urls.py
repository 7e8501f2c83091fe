from django.urls import path

from kehu.assist import views

app_name = "assist"
urlpatterns = [
    path("panel/", views.panel, name="panel"),
    path("feedback/", views.feedback, name="feedback"),
]
