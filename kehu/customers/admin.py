from django.contrib import admin

from kehu.customers.models import (
    Contact,
    Customer,
    Equipment,
    FollowUp,
    ImportJob,
    LedgerEntry,
    Segment,
    Tag,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    exclude = ("mobile_norm", "phone_norm")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "phone", "owner", "team", "value_tier", "time_state", "deleted_at")
    list_filter = ("kind", "value_tier", "time_state", "relation")
    search_fields = ("name", "phone", "credit_code")
    raw_id_fields = ("owner", "created_by", "deleted_by", "merged_into")
    list_select_related = ("owner", "team")
    show_full_result_count = False
    inlines = [ContactInline]


admin.site.register([Tag, Segment, Equipment, LedgerEntry, FollowUp, ImportJob])
