import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("customers", "0003_behaviour_type_uncooperative"),
        ("service", "0003_default_reply_templates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AssistCorrection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(verbose_name="text")),
                ("field", models.CharField(choices=[("emotion", "Emotion"), ("type", "Behavioural type"), ("kind", "Request kind"), ("urgency", "Urgency")], max_length=10, verbose_name="label")),
                ("predicted", models.CharField(blank=True, max_length=20, verbose_name="predicted")),
                ("correct", models.CharField(max_length=20, verbose_name="correct value")),
                ("model_version", models.CharField(blank=True, max_length=80, verbose_name="model version")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="by")),
                ("customer", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="customers.customer", verbose_name="customer")),
                ("ticket", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="service.ticket", verbose_name="ticket")),
            ],
            options={
                "verbose_name": "assist correction",
                "verbose_name_plural": "assist corrections",
                "ordering": ["-id"],
            },
        ),
        migrations.CreateModel(
            name="AssistModelVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.CharField(max_length=80, unique=True, verbose_name="version")),
                ("path", models.CharField(max_length=500, verbose_name="file")),
                ("accuracy", models.JSONField(default=dict, verbose_name="held-out accuracy")),
                ("corrections", models.PositiveIntegerField(default=0, verbose_name="corrections used")),
                ("active", models.BooleanField(default=False, verbose_name="active")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="trained by")),
            ],
            options={
                "verbose_name": "assist model version",
                "verbose_name_plural": "assist model versions",
                "ordering": ["-id"],
            },
        ),
    ]
