"""Covering indexes for the refresh's two big GROUP BYs.

Over 10,000,000 ledger rows SQLite grouped payments through the plain customer_id index,
fetching every row from the table out of order (far beyond a minute); from this partial
covering index (payments only) the same query reads one index in order: 4 s. PostgreSQL
can answer it from the index as well (index-only scan). Same for the last follow-up.
The indexes live on the customers app's tables but exist for this app's queries.
"""

from django.db import migrations

LEDGER = ("CREATE INDEX IF NOT EXISTS insights_ledger_payments ON customers_ledgerentry "
          "(customer_id, date, amount, kind) WHERE kind = 'receipt'")
FOLLOWUP = "CREATE INDEX IF NOT EXISTS insights_followup_last ON customers_followup (customer_id, at)"


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [
        migrations.RunSQL(LEDGER, "DROP INDEX IF EXISTS insights_ledger_payments"),
        migrations.RunSQL(FOLLOWUP, "DROP INDEX IF EXISTS insights_followup_last"),
    ]
