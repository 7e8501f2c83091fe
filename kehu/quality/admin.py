from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kehu.quality.models import Evaluation, FormItem, LibraryEntry, SamplingRule, ScoringForm


class FormItemInline(admin.TabularInline):
    model = FormItem
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A form in use is frozen: its totals must keep their meaning. Copy it to a new version.
        return super().has_change_permission(request, obj) and not (obj and obj.is_locked())

    has_add_permission = has_change_permission  # type: ignore[assignment]
    has_delete_permission = has_change_permission  # type: ignore[assignment]


@admin.register(ScoringForm)
class ScoringFormAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "active", "created_at")
    inlines = [FormItemInline]


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "form", "per_agent", "min_talk_s", "queue", "evaluator", "active")


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("id", "agent", "evaluator", "week", "status", "score", "fatal_failed")
    list_filter = ("status", "week")
    raw_id_fields = ("interaction", "ticket", "agent", "evaluator", "decided_by")
    readonly_fields = ("score", "fatal_failed")


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "tags_text", "added_by", "created_at")
    raw_id_fields = ("interaction", "evaluation")
