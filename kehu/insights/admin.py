from django.contrib import admin

from kehu.insights.models import CustomerInsight


@admin.register(CustomerInsight)
class CustomerInsightAdmin(admin.ModelAdmin):
    """Read-only: the nightly refresh owns these rows."""

    list_display = ["customer", "r", "f", "m", "segment", "churn_level", "churn_risk", "computed_at"]
    list_filter = ["churn_level", "segment"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
