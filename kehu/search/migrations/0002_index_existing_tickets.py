"""Index the tickets that existed before full-text search (later ones index on save)."""

from django.db import migrations


def fill(apps, schema_editor):
    from kehu.search.indexing import BATCH, SOURCES, document_values

    source = SOURCES["ticket"]
    Ticket = apps.get_model("service", "Ticket")
    TicketDocument = apps.get_model("search", "TicketDocument")
    db = schema_editor.connection.alias
    last = 0
    while True:
        batch = list(Ticket.objects.using(db).filter(pk__gt=last).order_by("pk")
                     .only("pk", *source.fields)[:BATCH])
        if not batch:
            return
        TicketDocument.objects.using(db).bulk_create(
            [TicketDocument(pk=t.pk, **document_values(source, t)) for t in batch]
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
