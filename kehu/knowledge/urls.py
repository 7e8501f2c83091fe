from django.urls import path

from kehu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("<int:article_id>/", views.article_detail, name="article"),
    path("<int:article_id>/edit/", views.article_edit, name="edit"),
    path("<int:article_id>/submit/", views.article_submit, name="submit"),
    path("<int:article_id>/approve/", views.article_approve, name="approve"),
    path("<int:article_id>/reject/", views.article_reject, name="reject"),
    path("<int:article_id>/archive/", views.article_archive, name="archive"),
    path("<int:article_id>/rate/", views.article_rate, name="rate"),
    path("<int:article_id>/use/", views.article_use, name="use"),
    path("<int:article_id>/preview/", views.template_preview, name="preview"),
    path("<int:article_id>/versions/<int:number>/", views.version_detail, name="version"),
]
