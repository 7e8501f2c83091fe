from django.db import migrations


def load(apps, schema_editor):
    from kehu.knowledge.starter import load_starter

    load_starter(apps)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
