from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kehu.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        from kehu.accounts.models import ApiToken, RolePolicy, User, forget_role_policies
        from kehu.accounts.services import token_cache_clear

        for signal in (post_save, post_delete):
            signal.connect(forget_role_policies, sender=RolePolicy, dispatch_uid=f"kehu-policies-{signal}")
            for model in (User, ApiToken):
                signal.connect(token_cache_clear, sender=model, dispatch_uid=f"kehu-tokens-{model.__name__}-{signal}")
