"""Filters and permission scoping for the customer archive.

Every view and API handler reaches customers through `visible_to(user)`, so a role's
data scope is enforced in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import connections, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kehu.accounts.models import DataScope
from kehu.core import search
from kehu.core.identifiers import normalize_credit_code, normalize_name
from kehu.core.phones import PHONE_ENDING_DIGITS, try_normalize_phone
from kehu.core.prepared import prepared_cursor
from kehu.customers.search_index import (
    PG_VECTOR,
    pg_hits,
    phone_tail_sql,
    sqlite_candidates,
)

if TYPE_CHECKING:
    from kehu.accounts.models import User

# Above this many name-index hits (about 1 % of a million) a search counts as common and
# is answered by a scan in id order, which finds a page within ~10,000 rows.
SEARCH_CANDIDATES = 10_000
# Digits typed from the start of a number are searched as its beginning from this length
# (a mobile's network and area part); shorter ones only as its ending (尾号).
PHONE_PREFIX_FROM = 7
PHONE_FRAGMENT_LIMIT = 5000
# On SQLite, digits in more names than this (numbered names) are found by a scan in id order.
DIGIT_NAME_CANDIDATES = 1000
SORTABLE = {"name", "-name", "created_at", "-created_at", "last_followup_at", "-last_followup_at", "id", "-id"}


def _next_digits(digits: str) -> str | None:
    """The least string of digits after every one that starts with `digits` ("1389" → "139"),
    or None when there is none ("999")."""
    kept = digits.rstrip("9")
    return kept[:-1] + str(int(kept[-1]) + 1) if kept else None


class CustomerQuerySet(models.QuerySet):
    def alive(self) -> CustomerQuerySet:
        return self.filter(deleted_at__isnull=True)

    def in_trash(self) -> CustomerQuerySet:
        return self.filter(deleted_at__isnull=False, merged_into__isnull=True)

    def in_pool(self) -> CustomerQuerySet:
        return self.filter(owner__isnull=True)

    def phone_matches(self, phone_norm: str, limit: int = 50, *, alive: bool = False) -> list[int]:
        """Ids of customers with this normalised phone, their own or a contact's (newest first);
        `alive`: not in the recycle bin. Call it on `Customer.objects` and scope the ids
        after: it reads the whole archive, whatever this queryset filters.

        Returned as a list on purpose: fed to pk__in as values, the planner always probes
        the phone indexes; as a subquery it sometimes scanned by scope instead. One
        hand-written statement: every screen pop and phone ticket runs it, and building the
        ORM's UNION took longer than running it.
        """
        if self.query.has_filters():
            raise TypeError("phone_matches reads every customer: call it on Customer.objects")
        from kehu.customers.models import Contact

        customers, contacts = self.model._meta.db_table, Contact._meta.db_table
        live = " AND c.deleted_at IS NULL" if alive else ""
        with prepared_cursor(self.db) as cursor:
            cursor.execute(
                f"SELECT c.id FROM {customers} c WHERE c.phone_norm = %s{live} UNION "
                f"SELECT c.id FROM {contacts} k JOIN {customers} c ON c.id = k.customer_id "
                f"WHERE (k.mobile_norm = %s OR k.phone_norm = %s){live}",
                [phone_norm, phone_norm, phone_norm],
            )
            ids = {row[0] for row in cursor.fetchall()}
        return sorted(ids, reverse=True)[:limit]

    def phone_fragment_matches(self, digits: str, limit: int = PHONE_FRAGMENT_LIMIT) -> list[int]:
        """Ids of customers with a phone, their own or a contact's, that ends with `digits`
        (尾号: four or more digits) or, from PHONE_PREFIX_FROM digits on, starts with them;
        newest first. Call it on `Customer.objects`, like phone_matches.

        The endings come from the phone-ending indexes (the last four digits), then the
        whole ending is compared: a probe of about one row in ten thousand per key.
        """
        if self.query.has_filters():
            raise TypeError("phone_fragment_matches reads every customer: call it on Customer.objects")
        if not (digits.isdigit() and len(digits) >= PHONE_ENDING_DIGITS):
            return []
        from kehu.customers.models import Contact

        vendor = connections[self.db].vendor
        customers, contacts = self.model._meta.db_table, Contact._meta.db_table
        sources = [(customers, "id", "phone_norm"), (contacts, "customer_id", "mobile_norm"),
                   (contacts, "customer_id", "phone_norm")]
        parts, params = [], []
        for table, key, column in sources:
            tail = phone_tail_sql(column, vendor)
            whole = phone_tail_sql(column, vendor, len(digits))
            parts.append(f"SELECT {key} FROM {table} WHERE {tail} = %s AND {whole} = %s")
            params += [digits[-PHONE_ENDING_DIGITS:], digits]
            if len(digits) >= PHONE_PREFIX_FROM:
                # A range of the column's plain index, closed by the next prefix: strings of
                # digits sort as digits bytewise (SQLite) and in every collation (PostgreSQL),
                # where LIKE keeps the answer exact even so.
                above = _next_digits(digits)
                parts.append(f"SELECT {key} FROM {table} WHERE {column} >= %s"
                             + (f" AND {column} < %s" if above else "")
                             + (f" AND {column} LIKE %s" if vendor == "postgresql" else ""))
                params += [digits, *([above] if above else []), *([digits + "%"] if vendor == "postgresql" else [])]
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM ({' UNION '.join(parts)}) AS hits ORDER BY id DESC LIMIT %s", [*params, limit]
            )
            return [row[0] for row in cursor.fetchall()]

    def visible_to(self, user: User) -> CustomerQuerySet:
        """Live customers within the user's data scope; the pool is visible to everyone."""
        qs = self.alive()
        if not user.is_authenticated or not user.is_active:
            return qs.none()
        if user.is_superuser:
            return qs
        scope = user.policy().data_scope
        if scope == DataScope.ALL:
            return qs
        if scope == DataScope.SELF:
            mine = Q(owner_id=user.pk)
        elif scope == DataScope.SUBORDINATES:
            mine = Q(owner_id__in=user.subordinate_ids())
        elif user.department_id is None:
            mine = Q(owner_id=user.pk)
        elif scope == DataScope.DEPARTMENT:
            mine = Q(team_id=user.department_id) | Q(owner__department_id=user.department_id) | Q(owner_id=user.pk)
        else:
            tree = user.department.tree_ids()
            mine = Q(team_id__in=tree) | Q(owner__department_id__in=tree) | Q(owner_id=user.pk)
        return qs.filter(mine | Q(owner__isnull=True))

    def editable_by(self, user: User) -> CustomerQuerySet:
        """What the user may change: agents only read others' customers."""
        qs = self.visible_to(user)
        if user.is_superuser or user.role != "agent":
            return qs
        return qs.filter(Q(owner_id=user.pk) | Q(owner__isnull=True))

    def search(self, q: str) -> CustomerQuerySet:
        """Name, phone (of the customer or its contacts) or credit code."""
        q = (q or "").strip()
        if not q:
            return self
        phone = try_normalize_phone(q)
        if phone:
            return self.filter(pk__in=self.model.objects.phone_matches(phone))
        code = normalize_credit_code(q)
        if len(code) == 18 and code.isalnum():
            return self.filter(credit_code=code)
        if q.isdigit() and len(q) >= PHONE_ENDING_DIGITS:
            return self._digits_search(q)
        return self._name_search(q)

    def _digits_search(self, digits: str) -> CustomerQuerySet:
        """Part of a phone number (its ending, or its beginning when long enough), or
        digits in a name. The phones come from their indexes (a scan for digits anywhere
        in a phone took half a second at a million customers); the names from the name
        index, unless so many names hold such digits that a scan in id order finds a
        page sooner."""
        phones = Q(pk__in=self.model.objects.phone_fragment_matches(digits))
        in_name = Q(name_norm__contains=digits)
        if connections[self.db].vendor == "postgresql":
            tsq = search.tsquery(digits)
            common = pg_hits(self.db, tsquery=tsq, cap=SEARCH_CANDIDATES + 1) > SEARCH_CANDIDATES
            indexed = Q(RawSQL(f"{PG_VECTOR} @@ %s::tsquery", [tsq], output_field=BooleanField()))
        else:
            ids = sqlite_candidates(self.db, fts5=search.fts5_query(digits), cap=DIGIT_NAME_CANDIDATES)
            common, indexed = ids is None, Q(pk__in=ids or [])
        if common:
            qs = self.filter(phones | in_name)
            qs.query.kehu_uncounted = True  # type: ignore[attr-defined]
            return qs
        return self.filter(phones | (indexed & in_name))

    def _name_search(self, q: str) -> CustomerQuerySet:
        """Customers whose folded name contains the folded query.

        A rare fragment is found through the name index (a few hundred ids at most);
        a common one (公司) through a plain scan in id order, which stops after a page
        because nearly every row matches, and is not counted to the end.
        """
        folded = normalize_name(q)
        if not folded:
            return self
        fts5, tsq = search.fts5_query(q), search.tsquery(q)
        qs = self.filter(name_norm__contains=folded)
        if not fts5:
            # Nothing to look up (a short number): a scan, and not counted to the end.
            qs.query.kehu_uncounted = True  # type: ignore[attr-defined]
            return qs
        if connections[self.db].vendor == "postgresql":
            # One statement: PostgreSQL's planner picks the GIN index for a rare fragment
            # and a backward primary-key walk for a common one, given the term statistics.
            qs = qs.filter(RawSQL(f"{PG_VECTOR} @@ %s::tsquery", [tsq], output_field=BooleanField()))
            qs.query.kehu_uncounted = True  # type: ignore[attr-defined]
            return qs
        # The candidate ids themselves, from one FTS query (counting them first and then
        # matching again as a subquery asked the index twice).
        ids = sqlite_candidates(self.db, fts5=fts5, cap=SEARCH_CANDIDATES)
        if ids is not None:
            return qs.filter(pk__in=ids)
        qs.query.kehu_uncounted = True  # type: ignore[attr-defined]
        return qs

    def page_count(self, *, page: int, size: int, shown: int, has_next: bool, cap: int) -> tuple[int, bool]:
        """(count, exact) for a list page: exact when the first page holds everything,
        capped at `cap`, or "more than what is shown" for an uncounted search."""
        if page == 1 and not has_next:
            return shown, True
        counted = self.capped_count(cap)
        return counted if counted is not None else ((page - 1) * size + shown, False)

    def capped_count(self, cap: int) -> tuple[int, bool] | None:
        """(count, exact): counting a million rows costs more than the page, so stop at `cap`.

        None for a name search that is not worth counting (a common fragment, or any on
        PostgreSQL, where counting 10,000 hits costs more than finding the page): callers
        then say "at least what is shown".
        """
        if getattr(self.query, "kehu_uncounted", False):
            return None
        # COUNT(*) over a LIMITed subquery: stops at cap + 1 rows.
        counted = self.order_by().values("pk")[:cap + 1].count()
        return min(counted, cap), counted <= cap

    def filtered(self, params: dict[str, Any]) -> CustomerQuerySet:
        """Apply the list filters shared by the web list, the API and exports."""
        qs = self
        for field in ("value_tier", "time_state", "kind", "need_type", "behaviour_type", "relation", "source"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        for field in ("province", "city", "district"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        owner = params.get("owner")
        if owner == "pool":
            qs = qs.in_pool()
        elif owner:
            qs = qs.filter(owner_id=owner)
        if params.get("team"):
            qs = qs.filter(team_id=params["team"])
        if params.get("tag"):
            qs = qs.filter(tags__name=params["tag"])
        if params.get("segment"):
            qs = qs.filter(segments__name=params["segment"])
        if params.get("q"):
            qs = qs.search(params["q"])
        sort = params.get("sort") or "-id"
        return qs.order_by(sort if sort in SORTABLE else "-id", "-id")


class FollowUpQuerySet(models.QuerySet):
    def due_on_or_before(self, day: dt.date) -> FollowUpQuerySet:
        return self.filter(next_date__isnull=False, next_date__lte=day)
