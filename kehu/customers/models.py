from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.accounts.models import Department, User
from kehu.core.phones import mask_email, mask_phone
from kehu.customers.choices import (
    BehaviourType,
    Channel,
    CustomerKind,
    LedgerKind,
    NeedType,
    Relation,
    Source,
    TimeState,
    ValueTier,
)
from kehu.customers.querysets import CustomerQuerySet, FollowUpQuerySet
from kehu.customers.search_index import PhoneTail


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Segment(models.Model):
    """A free segment with its own strategy and preferred channel."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    strategy = models.TextField(_("strategy"), blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel.choices, blank=True
    )

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=CustomerKind.choices, default=CustomerKind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    # The key columns are indexed in Meta: a field's db_index would also give PostgreSQL a
    # second, pattern-ops index that no query reads and every write pays (see Meta).
    name_norm = models.CharField(max_length=200, editable=False)
    # Bigram terms of name_norm for the full-text index (kehu.core.search); indexed by an
    # FTS5 table on SQLite and a GIN index on PostgreSQL (kehu.customers.search_index).
    search_text = models.TextField(blank=True, default="", editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_norm = models.CharField(max_length=20, blank=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    # Indexed by the composite (owner, -id) / (team, -id) indexes below, which serve
    # both the lookup and the list order; a plain FK index would only slow imports.
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="customers", db_index=False,
    )
    team = models.ForeignKey(
        Department, verbose_name=_("team"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="customers", db_index=False,
    )
    claimed_at = models.DateTimeField(_("owned since"), null=True, blank=True)
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    value_tier = models.CharField(_("value tier"), max_length=12, choices=ValueTier.choices, blank=True)
    time_state = models.CharField(
        _("time state"), max_length=12, choices=TimeState.choices, default=TimeState.POTENTIAL
    )
    relation = models.CharField(
        _("internal/external"), max_length=10, choices=Relation.choices, default=Relation.EXTERNAL
    )
    need_type = models.CharField(_("need type"), max_length=10, choices=NeedType.choices, blank=True)
    behaviour_type = models.CharField(
        _("behavioural type"), max_length=16, choices=BehaviourType.choices, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    segments = models.ManyToManyField(Segment, verbose_name=_("segments"), blank=True, related_name="customers")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    # Edits carry the version they started from; a stale version is refused, so two
    # people editing at once cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        User, verbose_name=_("deleted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [
            # Duplicate checks (查重) and lookups compare whole keys; a phone's beginning is
            # searched by range (CustomerQuerySet.phone_fragment_matches). Declared here, not
            # as db_index, so PostgreSQL builds no pattern-ops twin: the five of customers and
            # contacts took a fifth of the database's time to import 100,000 rows.
            models.Index(fields=["name_norm"], name="customer_name_norm"),
            models.Index(fields=["credit_code"], name="customer_credit_code"),
            models.Index(fields=["phone_norm"], name="customer_phone_norm"),
            # Incoming mail finds the customer by sender address, in any letter case.
            models.Index(Lower("email"), name="customer_email_lower"),
            models.Index(fields=["owner", "-id"], name="customer_owner_id"),
            models.Index(fields=["team", "-id"], name="customer_team_id"),
            models.Index(fields=["value_tier", "-id"], name="customer_tier_id"),
            models.Index(fields=["province", "city"], name="customer_region"),
            # A search by the last digits of a phone (尾号) probes this index.
            models.Index(PhoneTail("phone_norm"), name="customer_phone_tail"),
            # Only the recycle bin is looked up by deletion time; a full index on a column
            # that is NULL for nearly every row misleads SQLite's planner for alive().
            models.Index(fields=["deleted_at"], name="customer_trash",
                         condition=models.Q(deleted_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None

    def region(self) -> str:
        return " ".join(p for p in (self.province, self.city, self.district) if p)

    def editable_by(self, user: User) -> bool:
        """For a customer `user` can see: agents change only their own and pool customers
        (the same rule as CustomerQuerySet.editable_by, for one loaded row)."""
        return user.is_superuser or user.role != "agent" or self.owner_id in (None, user.pk)

    def masks_for(self, user: User) -> bool:
        """Whether `user` sees this customer's personal data masked (脱敏)."""
        if self.owner_id == user.pk:
            return False
        return user.policy().masks_personal_data

    def shown_phone(self, user: User) -> str:
        return mask_phone(self.phone) if self.masks_for(user) else self.phone

    def shown_email(self, user: User) -> str:
        return mask_email(self.email) if self.masks_for(user) else self.email

    def pool_due_at(self) -> dt.datetime | None:
        """When this owned customer returns to the pool if nobody follows it up."""
        if self.owner_id is None:
            return None
        start = max(filter(None, [self.last_followup_at, self.claimed_at, self.created_at]))
        days = self.team.effective_pool_return_days() if self.team_id else settings.KEHU_POOL_RETURN_DAYS
        return start + dt.timedelta(days=days)


class Contact(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    mobile_norm = models.CharField(max_length=20, blank=True, editable=False)  # indexed in Meta
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    phone_norm = models.CharField(max_length=20, blank=True, editable=False)  # indexed in Meta
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat id"), max_length=60, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_decision_maker", "id"]
        indexes = [
            models.Index(fields=["mobile_norm"], name="contact_mobile_norm"),
            models.Index(fields=["phone_norm"], name="contact_phone_norm"),
            models.Index(Lower("email"), name="contact_email_lower"),
            # A search by the last digits of a phone (尾号) finds contacts' numbers too.
            models.Index(PhoneTail("mobile_norm"), name="contact_mobile_tail"),
            models.Index(PhoneTail("phone_norm"), name="contact_phone_tail"),
        ]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """A product or piece of equipment the customer has in use."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("product"), max_length=100)
    model = models.CharField(_("model"), max_length=60, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    installed_on = models.DateField(_("in use since"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class LedgerEntry(models.Model):
    """An invoice (开票) or a payment received (回款)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("payment ledger")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FollowUp(models.Model):
    """A follow-up record (跟进记录) on any channel."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followups")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    content = models.TextField(_("content"))
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    next_date = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    by = models.ForeignKey(User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="followups")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}"


class ImportJob(models.Model):
    """One run of a customer import, with its row-by-row report."""

    by = models.ForeignKey(User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(pgettext_lazy("import", "created"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    # [{"row": 3, "column": "phone", "value": "...", "reason": "..."}], at most a few thousand.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error_file = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


def ledger_totals(entries: list[LedgerEntry], today: dt.date) -> dict[str, Decimal]:
    """Invoiced, received, outstanding and overdue (invoices past due not yet covered)."""
    invoiced = sum((e.amount for e in entries if e.kind == LedgerKind.INVOICE), Decimal(0))
    received = sum((e.amount for e in entries if e.kind == LedgerKind.RECEIPT), Decimal(0))
    past_due = sum(
        (e.amount for e in entries if e.kind == LedgerKind.INVOICE and e.due_date and e.due_date < today),
        Decimal(0),
    )
    return {
        "invoiced": invoiced,
        "received": received,
        "outstanding": max(invoiced - received, Decimal(0)),
        "overdue": max(past_due - received, Decimal(0)),
    }
