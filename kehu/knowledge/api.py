"""JSON API of the knowledge base. Handlers parse, call one service, respond."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kehu.core.errors import InvalidInput
from kehu.core.schemas import Message
from kehu.customers.models import Customer
from kehu.knowledge import services
from kehu.knowledge.models import Article, Kind
from kehu.knowledge.querysets import is_approver
from kehu.knowledge.schemas import (
    MAX_ID,
    ArticleOut,
    ArticlePage,
    RatingIn,
    RatingOut,
    RenderIn,
    RenderOut,
)
from kehu.knowledge.search import article_search
from kehu.service.models import Ticket

router = Router(tags=["Knowledge base"])
ERRORS: dict[int, type[Message]] = {400: Message, 401: Message, 403: Message, 404: Message, 409: Message,
                                    422: Message}


def article_out(a: Article) -> dict[str, Any]:
    data = {f: getattr(a, f) for f in ArticleOut.model_fields if f not in ("url", "category", "tags", "variants")}
    data.update(url=a.get_absolute_url(), category=str(a.category) if a.category_id else None,
                tags=[t.name for t in a.tags.all()], variants=a.variant_list())
    return data


def _visible(request: HttpRequest) -> Any:
    """Published articles; approvers also see drafts and articles in review."""
    qs = Article.objects.visible_to(request.user)
    return qs if is_approver(request.user) else qs.published()


def _get(request: HttpRequest, article_id: int) -> Article:
    if not 0 < article_id <= MAX_ID:
        raise Http404
    return get_object_or_404(_visible(request).select_related("category__parent"), pk=article_id)


class ArticleFilters(Schema):
    q: str = Field("", max_length=200)
    kind: str = Field("", max_length=20)
    customer_type: str = Field("", max_length=20)
    kind_code: str = Field("", max_length=20, description="Request kind: inquiry, repair, complaint, …")
    stage: str = Field("", max_length=20)
    status: str = Field("", max_length=20)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/knowledge/articles", response={200: ArticlePage, **ERRORS}, summary="List and search articles")
def article_list(request: HttpRequest, filters: Query[ArticleFilters]) -> dict[str, Any]:
    qs = _visible(request).filtered(kind=filters.kind, customer_type=filters.customer_type,
                                    request_kind=filters.kind_code, stage=filters.stage, status=filters.status)
    if filters.q:
        qs = article_search(qs, filters.q)
    qs = qs.select_related("category__parent").prefetch_related("tags").order_by("kind", "title", "pk")
    rows = qs[filters.offset: filters.offset + filters.limit]
    return {"count": qs.count(), "results": [article_out(a) for a in rows]}


@router.get("/knowledge/articles/{int:article_id}", response={200: ArticleOut, **ERRORS}, summary="One article")
def article_detail(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return article_out(_get(request, article_id))


@router.post("/knowledge/articles/{int:article_id}/rating", response={200: RatingOut, **ERRORS},
             summary="Rate an article: helped or did not help (a second rating replaces the first)")
def article_rate(request: HttpRequest, article_id: int, payload: RatingIn) -> dict[str, Any]:
    article = _get(request, article_id)
    article = services.article_rate(article=article, by=request.user, helped=payload.helped,
                                    comment=payload.comment)
    return {"id": article.pk, "helped": payload.helped, "helped_count": article.helped_count,
            "not_helped_count": article.not_helped_count}


def _render_records(request: HttpRequest, payload: RenderIn) -> tuple[Customer | None, Ticket | None]:
    ticket = customer = None
    if payload.ticket_id is not None:
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user).select_related("customer"),
                                   pk=payload.ticket_id)
    if payload.customer_id is not None:
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=payload.customer_id)
    return customer, ticket


@router.post("/knowledge/render", response={200: RenderOut, **ERRORS},
             summary="Fill a template's variables from a ticket and/or customer")
def template_render(request: HttpRequest, payload: RenderIn) -> dict[str, Any]:
    template = _get(request, payload.template_id)
    if template.kind != Kind.TEMPLATE:
        raise InvalidInput(_("This article is not a template."), errors={"template_id": _("not a template")})
    customer, ticket = _render_records(request, payload)
    rendered = services.template_render_full(template.body, customer=customer, ticket=ticket, user=request.user)
    subject = services.template_render(template.subject, customer=customer, ticket=ticket, user=request.user)
    return {"text": rendered.text, "subject": subject, "unknown": rendered.unknown, "missing": rendered.missing}
