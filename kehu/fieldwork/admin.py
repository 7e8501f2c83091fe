from django.contrib import admin

from kehu.fieldwork.models import Target, Visit, WorkReport


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["planned_date", "route_order", "rep", "customer", "appointment", "status"]
    list_filter = ["status", "appointment"]
    raw_id_fields = ["customer", "contact", "opportunity", "rep", "team", "next_visit", "created_by"]


@admin.register(WorkReport)
class WorkReportAdmin(admin.ModelAdmin):
    list_display = ["author", "kind", "period_start", "status", "submitted_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["author", "reviewer"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["rep", "period", "period_start", "new_customers", "visits", "won_amount"]
    list_filter = ["period"]
    raw_id_fields = ["rep", "set_by"]
