from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kehu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        from kehu.accounts.models import RolePolicy, forget_role_policies

        for signal in (post_save, post_delete):
            signal.connect(forget_role_policies, sender=RolePolicy, dispatch_uid=f"kehu-policies-{signal}")
