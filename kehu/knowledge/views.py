"""HTML pages of the knowledge base: the list, an article, writing, review and template preview.

Every page reaches articles through `Article.objects.visible_to(user)`: agents see
published articles and their own drafts, approvers everything; anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.core.schemas import MAX_ID
from kehu.customers.models import Customer
from kehu.knowledge import services
from kehu.knowledge.forms import ArticleForm, RejectForm
from kehu.knowledge.models import (
    CUSTOMER_TYPES,
    REQUEST_KINDS,
    Article,
    ArticleVersion,
    Category,
    Channel,
    Kind,
    Stage,
    Status,
    Tag,
)
from kehu.knowledge.querysets import is_approver
from kehu.knowledge.search import article_search
from kehu.service.models import Ticket

PAGE_SIZE = 50
LIST_FILTERS = ("q", "kind", "stage", "customer_type", "channel", "request_kind", "category", "tag", "status")


def _get(request: HttpRequest, article_id: int) -> Article:
    if not 0 < article_id <= MAX_ID:
        raise Http404
    qs = Article.objects.visible_to(request.user).select_related("category__parent", "owner", "created_by")
    return get_object_or_404(qs, pk=article_id)


def _pending_for(article: Article, user: Any) -> ArticleVersion | None:
    """A proposed edit is shown to approvers, the article's author and the editor."""
    pending = article.pending_version()
    if pending is None:
        return None
    if is_approver(user) or user.pk in (article.created_by_id, pending.created_by_id):
        return pending
    return None


def _filtered(request: HttpRequest, f: dict[str, str]) -> Any:
    qs = Article.objects.visible_to(request.user)
    status = f["status"]
    if status == Status.REVIEW:
        # The review queue: new articles and edits of published ones waiting for approval.
        qs = qs.filter(Q(status=Status.REVIEW) | Q(versions__state=Status.REVIEW)).distinct()
        f = {**f, "status": ""}
    qs = qs.filtered(**f)
    return article_search(qs, f["q"]) if f["q"] else qs


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    # PostgreSQL refuses NUL characters in a query parameter: drop them rather than fail.
    f = {k: request.GET.get(k, "").replace("\x00", "").strip()[:100] for k in LIST_FILTERS}
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    page = max(1, min(page, 100_000))
    qs = _filtered(request, f).select_related("category__parent").order_by("kind", "title", "pk")
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "knowledge/list.html", {
        "rows": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "f": f,
        "query": query.urlencode(), "kinds": Kind.choices, "stages": Stage.choices, "types": CUSTOMER_TYPES,
        "channels": Channel.choices, "request_kinds": REQUEST_KINDS, "statuses": Status.choices,
        "categories": Category.objects.select_related("parent"), "tags": Tag.objects.all()[:200],
        "approver": is_approver(request.user),
    })


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _get(request, article_id)
    user = request.user
    pending = _pending_for(article, user)
    waiting = article.status == Status.REVIEW or (pending is not None and pending.state == Status.REVIEW)
    drafted = article.status == Status.DRAFT or (pending is not None and pending.state == Status.DRAFT)
    rating = article.ratings.filter(user=user).first()
    return render(request, "knowledge/article.html", {
        "article": article, "pending": pending, "tags": list(article.tags.all()),
        "history": list(article.versions.filter(state=Status.PUBLISHED).select_related("created_by")),
        "can_edit": services.can_edit(article, user), "can_submit": drafted and services.can_edit(article, user),
        "can_review": waiting and is_approver(user), "approver": is_approver(user), "rating": rating, "reject_form": RejectForm(),
    })


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"kind": request.GET.get("kind", Kind.SCRIPT)})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(by=request.user, tags=form.tag_names(), **form.service_fields())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect(article.get_absolute_url())
    return render(request, "knowledge/form.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _get(request, article_id)
    if not services.can_edit(article, request.user):
        raise Http404
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, by=request.user, tags=form.tag_names(),
                                    note=form.cleaned_data["note"], **form.service_fields())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved as a draft.") if article.status != Status.PUBLISHED else
                             _("Saved as a new draft version; the published text stays live until it is approved."))
            return redirect(article.get_absolute_url())
    return render(request, "knowledge/form.html", {"form": form, "article": article})


def _article_post(view: Callable[[HttpRequest, Article], str]) -> Callable[..., HttpResponse]:
    """A POST on an article: run the action, report a service error, go back to the article."""

    @login_required
    @require_POST
    def wrapper(request: HttpRequest, article_id: int) -> HttpResponse:
        article = _get(request, article_id)
        try:
            messages.success(request, view(request, article))
        except ServiceError as exc:
            messages.error(request, " ".join([exc.message, *exc.errors.values()]))
        return redirect(article.get_absolute_url())

    wrapper.__name__ = view.__name__
    return wrapper


@_article_post
def article_submit(request: HttpRequest, article: Article) -> str:
    services.article_submit(article=article, by=request.user)
    return _("Submitted for review.")


@_article_post
def article_approve(request: HttpRequest, article: Article) -> str:
    services.article_approve(article=article, by=request.user, note=request.POST.get("note", "")[:255])
    return _("Published.")


@_article_post
def article_reject(request: HttpRequest, article: Article) -> str:
    services.article_reject(article=article, by=request.user, note=request.POST.get("note", "").strip()[:255])
    return _("Sent back to the author.")


@_article_post
def article_archive(request: HttpRequest, article: Article) -> str:
    archived = request.POST.get("restore") != "yes"
    services.article_archive(article=article, by=request.user, archived=archived)
    return _("Archived: agents no longer see this article.") if archived else _("Restored.")


@_article_post
def article_rate(request: HttpRequest, article: Article) -> str:
    helped = request.POST.get("helped") == "yes"
    services.article_rate(article=article, by=request.user, helped=helped,
                          comment=request.POST.get("comment", "")[:500])
    return _("Thank you for your rating.")


@login_required
@require_POST
def article_use(request: HttpRequest, article_id: int) -> HttpResponse:
    """The copy button's beacon: count one use. Answers JSON for the page's script."""
    article = _get(request, article_id)
    if article.status != Status.PUBLISHED:
        return JsonResponse({"message": _("Only published articles are counted.")}, status=409)
    return JsonResponse({"usage_count": services.article_use(article=article, by=request.user)})


@login_required
def version_detail(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    article = _get(request, article_id)
    version = get_object_or_404(article.versions.select_related("created_by"), number=min(number, 2**31 - 1))
    if version.state != Status.PUBLISHED and _pending_for(article, request.user) != version:
        raise Http404
    return render(request, "knowledge/version.html", {"article": article, "version": version})


def _sample() -> tuple[Customer, Ticket]:
    """Unsaved example records, so a template can be tried without touching real data."""
    customer = Customer(name=_("Zhang San"), phone="13812345678")
    ticket = Ticket(number="T20240001", title=_("Example: no power at home"), kind="repair", status="new",
                    customer=customer)
    return customer, ticket


def _preview_records(request: HttpRequest) -> tuple[Customer | None, Ticket | None, bool]:
    ticket_id, customer_id = request.GET.get("ticket", ""), request.GET.get("customer", "")
    ticket = customer = None
    if ticket_id.isdigit() and len(ticket_id) <= 18:
        ticket = get_object_or_404(Ticket.objects.visible_to(request.user).select_related("customer"),
                                   pk=int(ticket_id))
    if customer_id.isdigit() and len(customer_id) <= 18:
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=int(customer_id))
    if ticket is None and customer is None:
        customer, ticket = _sample()
        return customer, ticket, True
    return customer, ticket, False


@login_required
def template_preview(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _get(request, article_id)
    if article.kind != Kind.TEMPLATE:
        raise Http404
    customer, ticket, sample = _preview_records(request)
    rendered = services.template_render_full(article.body, customer=customer, ticket=ticket, user=request.user)
    subject = services.template_render(article.subject, customer=customer, ticket=ticket, user=request.user)
    return render(request, "knowledge/preview.html", {
        "article": article, "rendered": rendered, "subject": subject, "sample": sample,
        "ticket_id": request.GET.get("ticket", "")[:20], "customer_id": request.GET.get("customer", "")[:20],
    })
