from django.contrib import admin

from kehu.sales.models import Lead, Opportunity, Pipeline, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1
    fields = ["name", "order", "probability", "is_won", "is_lost", "is_side"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    inlines = [StageInline]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["company", "contact_name", "source", "status", "owner", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["company", "contact_name", "phone"]
    raw_id_fields = ["owner", "customer", "contact", "opportunity", "created_by"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "customer", "pipeline", "stage", "amount", "owner", "is_closed"]
    list_filter = ["pipeline", "is_closed"]
    raw_id_fields = ["customer", "owner", "lead"]
