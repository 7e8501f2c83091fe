from django.urls import path

from kehu.surveys import model_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<str:code>/", views.question_change, name="question_change"),
    path("<int:pk>/state/", views.survey_state, name="state"),
    path("<int:pk>/preview/", views.survey_preview, name="preview"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/ticket-rules/", views.ticket_rule, name="ticket_rule"),
    path("<int:pk>/qr.svg", views.survey_qr, name="qr"),
    path("<int:pk>/cati/", views.cati_start, name="cati_start"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),  # xlsx or csv
    path("<int:pk>/model/", model_views.model_page, name="model"),
    path("<int:pk>/model/run/", model_views.model_results, name="model_results"),
    path("<int:pk>/model/export.xlsx", model_views.model_export, name="model_export"),
    path("<int:pk>/model/compare/", model_views.model_compare, name="model_compare"),
    path("<int:pk>/sample/", model_views.sample, name="sample"),
    path("interviews/<int:pk>/", views.cati, name="cati"),
    path("s/<str:token>/", views.answer, name="answer"),
]
