from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kehu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kehu.core.dbstats import seed_sqlite_stats

        # sender=self: post_migrate is sent once per installed app; seed once per migrate.
        post_migrate.connect(seed_sqlite_stats, sender=self, dispatch_uid="kehu-seed-sqlite-stats")
