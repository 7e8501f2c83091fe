from django.urls import path

from kehu.sales import views

app_name = "sales"
urlpatterns = [
    path("leads/", views.lead_list, name="leads"),
    path("leads/pool/", views.lead_pool, name="lead_pool"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:lead_id>/", views.lead_detail, name="lead"),
    path("leads/<int:lead_id>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("leads/<int:lead_id>/claim/", views.lead_claim, name="lead_claim"),
    path("leads/<int:lead_id>/convert/", views.lead_convert, name="lead_convert"),
    path("board/", views.board, name="board"),
    path("forecast/", views.forecast, name="forecast"),
    path("opportunities/<int:opportunity_id>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:opportunity_id>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:opportunity_id>/reopen/", views.opportunity_reopen, name="opportunity_reopen"),
]
