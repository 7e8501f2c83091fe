from django.contrib import admin

from kehu.assist.models import AssistCorrection, AssistModelVersion


@admin.register(AssistCorrection)
class AssistCorrectionAdmin(admin.ModelAdmin):
    """Agents' verdicts, for review before a retrain; wrong ones can be deleted here."""

    list_display = ["created_at", "field", "predicted", "correct", "created_by", "ticket", "model_version"]
    list_filter = ["field", "correct"]
    search_fields = ["text"]
    raw_id_fields = ["ticket", "customer", "created_by"]
    readonly_fields = ["created_at", "model_version"]


@admin.register(AssistModelVersion)
class AssistModelVersionAdmin(admin.ModelAdmin):
    """Trained models; `kehu assist train` adds them, marking one active is a rollback."""

    list_display = ["version", "active", "corrections", "created_at", "created_by"]
    readonly_fields = ["version", "path", "accuracy", "corrections", "created_at", "created_by"]
