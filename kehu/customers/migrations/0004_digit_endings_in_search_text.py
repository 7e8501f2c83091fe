"""Index terms gain the endings of phone and name digit runs (kehu.core.search.index_terms):
recompute them for every customer, in batches."""

from django.db import migrations

BATCH = 5000


def recompute(apps, schema_editor):
    from kehu.core.search import index_terms

    Customer = apps.get_model("customers", "Customer")
    last = 0
    while True:
        rows = list(Customer.objects.filter(pk__gt=last).order_by("pk")
                    .only("pk", "name_norm", "phone_norm", "search_text")[:BATCH])
        if not rows:
            return
        changed = []
        for row in rows:
            terms = index_terms(row.name_norm, row.phone_norm)
            if terms != row.search_text:
                row.search_text = terms
                changed.append(row)
        Customer.objects.bulk_update(changed, ["search_text"], batch_size=1000)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_behaviour_type_uncooperative")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
