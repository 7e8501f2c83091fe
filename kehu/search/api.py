"""GET /api/search: one query over tickets, customers and the knowledge base."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kehu.core.errors import InvalidInput
from kehu.search.scopes import all_kinds, search_as

router = Router(tags=["Search"])
MAX_QUERY = 200


class SearchParams(Schema):
    q: str
    kinds: str = ""  # comma-separated: ticket,customer,article; empty = all
    status: str = ""
    ticket_kind: str = ""
    article_kind: str = ""
    limit: int = 20


class HitOut(Schema):
    kind: str
    id: int
    title: str
    snippet: str
    url: str
    score: float
    extra: dict


class SearchOut(Schema):
    query: str
    fallback: bool
    mode: str
    took_ms: float
    hits: list[HitOut]


@router.get("/search", response=SearchOut)
def search(request: HttpRequest, params: Query[SearchParams]) -> dict:
    q = params.q.strip()
    if not q:
        raise InvalidInput("Type something to search for.", field="q")
    if len(q) > MAX_QUERY:
        raise InvalidInput(f"A search is at most {MAX_QUERY} characters.", field="q")
    kinds = [k.strip() for k in params.kinds.split(",") if k.strip()] or None
    unknown = sorted(set(kinds or []) - set(all_kinds()))
    if unknown:
        raise InvalidInput(f"Unknown kinds: {', '.join(unknown)} (known: {', '.join(all_kinds())}).",
                           field="kinds")
    filters = {"status": params.status, "ticket_kind": params.ticket_kind, "article_kind": params.article_kind}
    results = search_as(request.user, q, kinds=kinds, filters=filters, limit=max(1, min(params.limit, 100)))
    return {"query": results.query, "fallback": results.fallback, "mode": results.mode, "took_ms": round(results.took_ms, 2),
            "hits": [h.__dict__ for h in results.hits]}
