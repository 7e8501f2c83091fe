from django.urls import path

from kehu.service import reports, views

app_name = "service"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:ticket_id>/step/", views.ticket_step, name="step"),
    path("tickets/<int:ticket_id>/accept/", views.ticket_accept, name="accept"),
    path("tickets/<int:ticket_id>/start/", views.ticket_start, name="start"),
    path("tickets/<int:ticket_id>/dispatch/", views.ticket_dispatch, name="dispatch"),
    path("tickets/<int:ticket_id>/resolve/", views.ticket_resolve, name="resolve"),
    path("tickets/<int:ticket_id>/close/", views.ticket_close, name="close"),
    path("tickets/<int:ticket_id>/reopen/", views.ticket_reopen, name="reopen"),
    path("tickets/<int:ticket_id>/master/", views.ticket_master, name="master"),
    path("tickets/<int:ticket_id>/attach/", views.ticket_attach, name="attach"),
    path("tickets/<int:ticket_id>/merge/", views.ticket_merge, name="merge"),
    path("tickets/<int:ticket_id>/link/", views.ticket_link, name="link"),
    path("tickets/<int:ticket_id>/visit/", views.ticket_visit, name="visit"),
    path("work-orders/", views.work_orders, name="work_orders"),
    path("work-orders/<int:order_id>/answer/", views.work_order_answer, name="work_order_answer"),
    path("escalations/<int:escalation_id>/ack/", views.escalation_ack, name="escalation_ack"),
    path("visits/", views.return_visits, name="visits"),
    path("reports/", reports.report_page, name="reports"),
    path("reports/export/", reports.report_export, name="reports_export"),
]
