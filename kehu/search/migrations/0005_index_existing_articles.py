"""Index the knowledge base's articles (the starter set among them)."""

from django.db import migrations


def fill(apps, schema_editor):
    from kehu.search.indexing import SOURCES, document_values

    source = SOURCES["article"]
    Article = apps.get_model("knowledge", "Article")
    ArticleDocument = apps.get_model("search", "ArticleDocument")
    db = schema_editor.connection.alias
    ArticleDocument.objects.using(db).bulk_create(
        [ArticleDocument(pk=a.pk, **document_values(source, a))
         for a in Article.objects.using(db).only("pk", *source.fields).iterator(chunk_size=2000)],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_article_document"), ("knowledge", "0002_starter_set")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
