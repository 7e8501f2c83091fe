from django.db import migrations

DEFAULTS = {
    "agent": ("all", True),
    "account_manager": ("self", True),
    "supervisor": ("department_tree", False),
    "manager": ("all", False),
    "admin": ("all", False),
}


def fill(apps, schema_editor):
    RolePolicy = apps.get_model("accounts", "RolePolicy")
    for role, (scope, masks) in DEFAULTS.items():
        RolePolicy.objects.get_or_create(role=role, defaults={"data_scope": scope, "masks_personal_data": masks})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
