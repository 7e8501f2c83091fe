"""The key columns' indexes move from db_index to Meta.indexes, which leaves out the
pattern-ops twin PostgreSQL got for each (nothing reads them; every write paid them).

The database keeps its indexes: PostgreSQL renames each and drops its twin, SQLite
(which cannot rename an index) drops and builds it again. Django's own AlterField
would rebuild the whole table on SQLite.
"""

from django.conf import settings
from django.db import migrations, models

# (model, column, the index's new name)
KEYS = [
    ("contact", "mobile_norm", "contact_mobile_norm"),
    ("contact", "phone_norm", "contact_phone_norm"),
    ("customer", "name_norm", "customer_name_norm"),
    ("customer", "credit_code", "customer_credit_code"),
    ("customer", "phone_norm", "customer_phone_norm"),
]


def _indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for model_name, column, new in KEYS:
        table = apps.get_model("customers", model_name)._meta.db_table
        # The name Django gave the index of a db_index field (its pattern twin adds "_like").
        yield quote(table), quote(column), schema_editor._create_index_name(table, [column]), new


def forwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column, old, new in _indexes(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old + '_like')}")
            schema_editor.execute(f"ALTER INDEX IF EXISTS {quote(old)} RENAME TO {quote(new)}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(new)} ON {table} ({column})")


def backwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column, old, new in _indexes(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(new)}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(old)} ON {table} ({column})")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(old + '_like')} ON {table} ({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_default_role_policies'),
        ('customers', '0004_phone_tail_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name='contact',
                    name='mobile_norm',
                    field=models.CharField(blank=True, editable=False, max_length=20),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='phone_norm',
                    field=models.CharField(blank=True, editable=False, max_length=20),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='credit_code',
                    field=models.CharField(blank=True, max_length=18, verbose_name='unified social credit code'),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='name_norm',
                    field=models.CharField(editable=False, max_length=200),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='phone_norm',
                    field=models.CharField(blank=True, editable=False, max_length=20),
                ),
                migrations.AddIndex(
                    model_name='contact',
                    index=models.Index(fields=['mobile_norm'], name='contact_mobile_norm'),
                ),
                migrations.AddIndex(
                    model_name='contact',
                    index=models.Index(fields=['phone_norm'], name='contact_phone_norm'),
                ),
                migrations.AddIndex(
                    model_name='customer',
                    index=models.Index(fields=['name_norm'], name='customer_name_norm'),
                ),
                migrations.AddIndex(
                    model_name='customer',
                    index=models.Index(fields=['credit_code'], name='customer_credit_code'),
                ),
                migrations.AddIndex(
                    model_name='customer',
                    index=models.Index(fields=['phone_norm'], name='customer_phone_norm'),
                ),
            ],
        ),
    ]
