from django.contrib import admin

from kehu.workforce.models import Forecast, ScheduleEntry, Shift, ShiftSlot


class ShiftSlotInline(admin.TabularInline):
    model = ShiftSlot
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "start", "duration_min"]

    def has_add_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    """Read and retire shifts here; create and change them on /workforce/shifts/ or the API,
    which check breaks against the shift as a whole."""

    list_display = ["code", "name", "start", "end", "active"]
    list_filter = ["active"]
    inlines = [ShiftSlotInline]

    readonly_fields = ["code", "name", "start", "end"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "agent", "shift"]
    list_filter = ["date", "shift"]
    raw_id_fields = ["agent", "updated_by"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["queue", "start_date", "days", "interval_min", "mape", "created_at"]
    list_filter = ["queue", "interval_min"]
    readonly_fields = ["params", "backtest"]
