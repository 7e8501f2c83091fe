from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kehu.contact.models import AgentExtension, AgentState, CtiEvent, Interaction, Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "service_level_s"]


@admin.register(AgentExtension)
class AgentExtensionAdmin(admin.ModelAdmin):
    list_display = ["number", "user"]
    search_fields = ["number", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["external_id", "source", "queue", "agent", "offered_at", "wait_s", "talk_s", "outcome"]
    list_filter = ["source", "kind", "abandoned"]
    search_fields = ["external_id", "caller"]
    raw_id_fields = ["customer", "agent", "ticket"]


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin):
    list_display = ["agent", "state", "reason", "at"]
    raw_id_fields = ["agent", "event"]


@admin.register(CtiEvent)
class CtiEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "call_id", "agent_key", "occurred_at", "processed", "error"]
    list_filter = ["type", "processed"]
    search_fields = ["event_id", "call_id"]


# The wallboard's per-queue conventions and tile thresholds (docs/wallboard.md).
admin.site.unregister(Queue)


@admin.register(Queue)
class QueueWallboardAdmin(QueueAdmin):
    list_display = ["code", "name", "service_level_s", "sl_target_pct", "abandon_rule", "short_abandon_s"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        (_("Service level"), {"fields": ["service_level_s", "sl_target_pct", "sl_alarm_pct", "abandon_rule",
                                         "short_abandon_s"]}),
        (_("Wallboard thresholds"), {"fields": ["abandon_warn_pct", "abandon_alarm_pct", "wait_warn_s",
                                                "wait_alarm_s", "waiting_warn", "waiting_alarm"]}),
    ]
