from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kehu.channels.email.models import InboundMessage, QuarantinedMail
from kehu.channels.email.parsing import decode_text
from kehu.channels.email.services import quarantine_retry

RAW_PREVIEW_BYTES = 20_000


class PendingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "pending"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Waiting for a retry")), ("no", _("Taken in"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "yes")
        return queryset


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "short_error", "source", "retry_count", "resolved_at",
                    "ticket"]
    list_filter = [PendingFilter, "source"]
    search_fields = ["sender", "subject", "error"]
    date_hierarchy = "received_at"
    actions = ["retry"]
    readonly_fields = ["received_at", "source", "sender", "subject", "error", "retry_count", "retried_at",
                       "resolved_at", "ticket", "size", "raw_preview"]
    exclude = ["raw"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list must not load every raw message; the detail page reads it for the preview.
        return super().get_queryset(request).select_related("ticket").defer("raw")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("error"))
    def short_error(self, obj: QuarantinedMail) -> str:
        return (obj.error.splitlines() or [""])[0][:120]

    @admin.display(description=_("raw message (start)"))
    def raw_preview(self, obj: QuarantinedMail) -> str:
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>",
                           decode_text(bytes(obj.raw)[:RAW_PREVIEW_BYTES]))

    @admin.action(description=_("Retry the selected mail"), permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        done = failed = 0
        for mail in queryset.filter(resolved_at__isnull=True).order_by("id"):
            result = quarantine_retry(mail=mail, by=request.user)  # type: ignore[arg-type]
            done, failed = (done + 1, failed) if result.ok else (done, failed + 1)
        if done:
            self.message_user(request, ngettext("%(n)d mail taken in.", "%(n)d mails taken in.", done)
                              % {"n": done}, messages.SUCCESS)
        if failed:
            self.message_user(request, ngettext("%(n)d mail failed again; see its error.",
                                                "%(n)d mails failed again; see their errors.", failed)
                              % {"n": failed}, messages.WARNING)
        return None


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "outcome", "ticket", "source", "auto_replied_at"]
    list_filter = ["outcome", "source"]
    search_fields = ["sender", "subject", "message_id"]
    date_hierarchy = "received_at"
    raw_id_fields = ["ticket", "reply"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
