from django.urls import path

from kehu.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export/", views.customer_export, name="export"),
    path("new/", views.customer_create, name="create"),
    path("pool/", views.pool, name="pool"),
    path("trash/", views.trash, name="trash"),
    path("import/", views.import_page, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/errors/", views.import_error_file, name="import_errors"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/merge/", views.customer_merge, name="merge"),
    path("<int:customer_id>/unmask/", views.customer_unmask, name="unmask"),
    path("<int:customer_id>/claim/", views.customer_claim, name="claim"),
    path("<int:customer_id>/release/", views.customer_release, name="release"),
    path("<int:customer_id>/delete/", views.customer_delete, name="delete"),
    path("<int:customer_id>/restore/", views.customer_restore, name="restore"),
    path("<int:customer_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:customer_id>/followups/", views.followup_add, name="followup_add"),
    path("<int:customer_id>/equipment/", views.equipment_add, name="equipment_add"),
    path("<int:customer_id>/ledger/", views.ledger_add, name="ledger_add"),
]
