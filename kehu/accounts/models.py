from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class DataScope(models.TextChoices):
    SELF = "self", _("Own records")
    SUBORDINATES = "subordinates", _("Own and subordinates' records")
    DEPARTMENT = "department", _("Own department")
    DEPARTMENT_TREE = "department_tree", _("Own department and sub-departments")
    ALL = "all", _("All records")


class Department(models.Model):
    """A department or team (部门/班组); teams nest under departments."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    pool_return_days = models.PositiveIntegerField(
        _("days without follow-up before return to pool"), null=True, blank=True,
        help_text=_("Empty: use the system setting."),
    )
    max_customers_per_rep = models.PositiveIntegerField(
        _("customers a rep may hold"), null=True, blank=True,
        help_text=_("Empty: use the system setting."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tree_ids(self) -> list[int]:
        """This department's id and those of all departments below it."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids

    def effective_pool_return_days(self) -> int:
        return self.pool_return_days or settings.KEHU_POOL_RETURN_DAYS

    def effective_max_customers(self) -> int:
        return self.max_customers_per_rep or settings.KEHU_MAX_CUSTOMERS_PER_REP


class RolePolicy(models.Model):
    """What a role may see, editable by an administrator (one row per role)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)
    data_scope = models.CharField(_("data scope"), max_length=20, choices=DataScope.choices)
    masks_personal_data = models.BooleanField(
        _("mask personal data of others' customers"), default=True,
        help_text=_("Phones and e-mails of customers the user does not own are shown masked."),
    )

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_data_scope_display()}"


DEFAULT_POLICIES: dict[str, tuple[str, bool]] = {
    # Agents answer any caller, so they can find every customer, but masked.
    Role.AGENT: (DataScope.ALL, True),
    Role.ACCOUNT_MANAGER: (DataScope.SELF, True),
    Role.SUPERVISOR: (DataScope.DEPARTMENT_TREE, False),
    Role.MANAGER: (DataScope.ALL, False),
    Role.ADMIN: (DataScope.ALL, False),
}


# Every request reads its role's policy; they change rarely, so each process keeps them
# for a few seconds (a save clears this process's copy at once, others within the TTL).
POLICY_TTL_SECONDS = 10.0
_policy_cache: dict[str, tuple[float, RolePolicy]] = {}


def role_policy(role: str) -> RolePolicy:
    now = time.monotonic()
    hit = _policy_cache.get(role)
    if hit is not None and now - hit[0] < POLICY_TTL_SECONDS:
        return hit[1]
    policy = RolePolicy.objects.filter(role=role).first()
    if policy is None:
        scope, masks = DEFAULT_POLICIES[Role(role)]
        policy = RolePolicy(role=role, data_scope=scope, masks_personal_data=masks)
    _policy_cache[role] = (now, policy)
    return policy


def forget_role_policies(**kwargs: object) -> None:
    _policy_cache.clear()


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )
    superior = models.ForeignKey(
        "self", verbose_name=_("superior"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="subordinates",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def policy(self) -> RolePolicy:
        """The role's policy, cached on the instance and briefly in the process."""
        cached = getattr(self, "_policy_cache", None)
        if cached is None:
            cached = role_policy(self.role)
            self._policy_cache = cached
        return cached

    def subordinate_ids(self) -> list[int]:
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(User.objects.filter(superior_id__in=frontier).values_list("pk", flat=True))
            frontier = [i for i in frontier if i not in ids]
            ids.extend(frontier)
        return ids

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "kehu_" + secrets.token_urlsafe(32)
