from django.urls import path

from kehu.outbound import views

app_name = "outbound"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/status/", views.campaign_status, name="campaign_status"),
    path("campaigns/<int:campaign_id>/upload/", views.campaign_upload, name="campaign_upload"),
    path("campaigns/<int:campaign_id>/from-filter/", views.campaign_from_filter, name="campaign_from_filter"),
    path("campaigns/<int:campaign_id>/export/", views.campaign_export, name="export"),
    path("campaigns/<int:campaign_id>/work/", views.work, name="work"),
    path("campaigns/<int:campaign_id>/work/next/", views.work_next, name="next"),
    path("entries/<int:entry_id>/attempt/", views.work_attempt, name="attempt"),
    path("entries/<int:entry_id>/release/", views.work_release, name="release"),
    path("dnc/", views.dnc, name="dnc"),
    path("dnc/<int:item_id>/remove/", views.dnc_remove, name="dnc_remove"),
]
