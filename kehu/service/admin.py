from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kehu.service.models import (
    CalendarDay,
    ComplaintGrade,
    ReplyTemplate,
    SlaPolicy,
    Ticket,
    TicketCategory,
)


@admin.register(TicketCategory)
class TicketCategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent"]
    search_fields = ["name"]


@admin.register(ComplaintGrade)
class ComplaintGradeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grade", "tier", "first_response_minutes", "resolution_minutes", "clock",
                    "escalate_first_to", "escalate_again_to"]
    list_filter = ["kind", "clock", "escalate_first_to", "escalate_again_to"]
    autocomplete_fields = ["escalate_first_user", "escalate_again_user"]
    fieldsets = [
        (None, {"fields": ["name", ("kind", "grade", "tier")]}),
        (_("Service targets"), {"fields": ["first_response_minutes", "resolution_minutes", "clock", "warn_percent"]}),
        (_("Escalation on breach"), {
            "fields": [("escalate_first_to", "escalate_first_user"),
                       ("escalate_again_to", "escalate_again_user"), "escalate_again_minutes"],
            "description": _("Level 1 is raised when a target is breached; level 2 when the resolution "
                             "breach has lasted the given minutes. “Nobody” still marks the breach."),
        }),
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "status", "assignee", "created_at"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["number", "title"]
    raw_id_fields = ["customer", "contact", "assignee", "master", "merged_into", "created_by"]
    readonly_fields = ["number", "tracking_code"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "body"]
