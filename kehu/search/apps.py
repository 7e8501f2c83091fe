from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kehu.search"
    label = "search"
    verbose_name = _("Full-text search")

    def ready(self) -> None:
        from kehu.search import indexing

        post_migrate.connect(indexing.ensure_indexes, sender=self, dispatch_uid="kehu-search-indexes")
        indexing.connect_signals()
