"""The behavioural type `stubborn` becomes `uncooperative`, the assist engine's code for it.

The column grows to 16 characters first (the new code has 13), then stored values are
rewritten; going back rewrites them the other way.
"""

from django.db import migrations, models


def _rename(apps, old: str, new: str) -> None:
    Customer = apps.get_model("customers", "Customer")
    Customer.objects.filter(behaviour_type=old).update(behaviour_type=new)


def forwards(apps, schema_editor) -> None:
    _rename(apps, "stubborn", "uncooperative")


def backwards(apps, schema_editor) -> None:
    _rename(apps, "uncooperative", "stubborn")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0002_email_lower_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customer",
            name="behaviour_type",
            field=models.CharField(blank=True, choices=[("easygoing", "Easygoing"), ("uncooperative", "Stubborn, uncooperative"), ("domineering", "Domineering, competitive"), ("vain", "Vain"), ("irritable", "Irritable"), ("arrogant", "Arrogant"), ("doubtful", "Doubtful"), ("angry", "Angry"), ("silent", "Silent"), ("talkative", "Talkative"), ("picky", "Picky"), ("indecisive", "Indecisive")], max_length=16, verbose_name="behavioural type"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
