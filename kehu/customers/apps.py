from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kehu.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        from kehu.customers.search_index import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="kehu-customer-search-index")
