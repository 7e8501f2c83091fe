"""Search as a user: each kind reached through its permission queryset, then ranked."""

from __future__ import annotations

from django.db.models import QuerySet

from kehu.accounts.models import User
from kehu.core.search import fold_text
from kehu.search import query

KINDS = ("ticket", "customer", "article")
CUSTOMER_LIMIT = 10


def scoped_querysets(user: User, kinds: list[str], filters: dict[str, str]) -> dict[str, QuerySet]:
    from kehu.service.models import Ticket

    out: dict[str, QuerySet] = {}
    if "ticket" in kinds:
        out["ticket"] = Ticket.objects.visible_to(user).filtered(
            status=filters.get("status", ""), kind=filters.get("ticket_kind", ""),
        )
    if "article" in kinds:
        from kehu.knowledge.models import Article

        out["article"] = Article.objects.visible_to(user).filtered(kind=filters.get("article_kind", ""))
    return out


def search_as(user: User, q: str, *, kinds: list[str] | None = None, filters: dict[str, str] | None = None,
              limit: int = 20) -> query.Results:
    kinds = [k for k in (kinds or all_kinds()) if k in all_kinds()]
    filters = filters or {}
    results = query.search(query=q, querysets=scoped_querysets(user, kinds, filters), limit=limit)
    if "customer" in kinds and q.strip():
        results.hits = _customer_hits(user, q) + results.hits
    return results


def all_kinds() -> tuple[str, ...]:
    return KINDS


def _customer_hits(user: User, q: str) -> list[query.Hit]:
    from kehu.customers.models import Customer

    # Customer names are folded without traditional → simplified: try the query both ways.
    visible = Customer.objects.visible_to(user)
    simplified = fold_text(q)
    found = visible.search(q).order_by("-pk")[:CUSTOMER_LIMIT]
    if simplified != q.strip().casefold():
        found = list(dict.fromkeys([*found, *visible.search(simplified).order_by("-pk")[:CUSTOMER_LIMIT]]))
    marks = query.phrases_of(q)
    return [
        query.Hit("customer", c.pk, c.name, query.snippet(c.name, marks), c.get_absolute_url(), 0.0,
                  {"city": c.city})
        for c in found
    ]
