from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "kehu.fieldwork"
    label = "fieldwork"
    verbose_name = _("Visits and work reports")
