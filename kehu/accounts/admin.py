from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kehu.accounts.models import ApiToken, Department, RolePolicy, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "superior", "is_active")
    list_filter = ("role", "department", "is_active")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("display_name", "role", "department", "superior", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("display_name", "role", "department", "superior")}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "leader", "pool_return_days", "max_customers_per_rep")
    search_fields = ("name",)


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ("role", "data_scope", "masks_personal_data")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
