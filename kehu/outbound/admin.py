from django.contrib import admin

from kehu.outbound.models import Campaign, DoNotCall


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "assignment", "created_at")
    list_filter = ("kind", "status")
    filter_horizontal = ("agents",)


@admin.register(DoNotCall)
class DoNotCallAdmin(admin.ModelAdmin):
    list_display = ("phone_norm", "reason", "added_by", "added_at")
    search_fields = ("phone_norm",)
