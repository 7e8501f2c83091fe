"""HTML views of the customer archive.

Every view reaches customers through `Customer.objects.visible_to(user)` (404 outside
the user's scope), calls one service, and redirects or renders. Service errors become
form errors or messages; bad input is never a 500.
"""

from __future__ import annotations

import math
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from kehu.accounts.models import DataScope, Role, User
from kehu.core.errors import Conflict, InvalidInput, NotAllowed, ServiceError
from kehu.core.models import AuditEntry
from kehu.core.phones import mask_email, mask_phone
from kehu.customers import services
from kehu.customers.api import COUNT_CAP
from kehu.customers.choices import BehaviourType, CustomerKind, NeedType, TimeState, ValueTier
from kehu.customers.forms import (
    ContactForm,
    CustomerForm,
    EquipmentForm,
    FollowUpForm,
    ImportForm,
    LedgerForm,
    ServiceForm,
)
from kehu.customers.models import (
    Contact,
    Customer,
    Equipment,
    FollowUp,
    ImportJob,
    LedgerEntry,
    Tag,
    ledger_totals,
)
from kehu.customers.querysets import CustomerQuerySet

PAGE_SIZE = 50
LIST_FILTERS = ("q", "kind", "value_tier", "time_state", "need_type", "behaviour_type",
                "province", "city", "owner", "tag", "sort")
SORTS = [
    ("-id", gettext_lazy("Newest first")),
    ("id", gettext_lazy("Oldest first")),
    ("name", gettext_lazy("Name")),
    ("-last_followup_at", gettext_lazy("Last follow-up, newest")),
    ("last_followup_at", gettext_lazy("Last follow-up, oldest")),
]
ACTIONS = {
    "customer.created": pgettext_lazy("history", "Created"),
    "customer.updated": gettext_lazy("Changed"),
    "customer.deleted": gettext_lazy("Moved to the recycle bin"),
    "customer.restored": gettext_lazy("Restored"),
    "customer.merged": gettext_lazy("Merged"),
    "customer.duplicate_merged": gettext_lazy("Duplicate merged in"),
    "customer.imported": gettext_lazy("Imported"),
    "customer.purged": gettext_lazy("Removed for good"),
    "customer.claimed": gettext_lazy("Claimed from the pool"),
    "customer.released": gettext_lazy("Released to the pool"),
    "customer.returned_to_pool": gettext_lazy("Returned to the pool"),
    "customer.unmasked": gettext_lazy("Personal data shown"),
    "contact.created": gettext_lazy("Contact added"),
    "contact.updated": gettext_lazy("Contact changed"),
    "contact.deleted": gettext_lazy("Contact removed"),
    "equipment.created": gettext_lazy("Equipment added"),
    "ledger.created": gettext_lazy("Ledger entry added"),
    "followup.created": gettext_lazy("Follow-up recorded"),
    "lead.converted": gettext_lazy("Converted from a lead"),
    "opportunity.created": gettext_lazy("Opportunity opened"),
    "opportunity.moved": gettext_lazy("Opportunity moved"),
    "opportunity.reopened": gettext_lazy("Opportunity reopened"),
}
TABS = ("overview", "equipment", "ledger", "history")


# --- access helpers -------------------------------------------------------------------

def _visible(request: HttpRequest) -> CustomerQuerySet:
    return Customer.objects.visible_to(request.user)


def _get_customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(_visible(request).select_related("owner", "team"), pk=customer_id)


def _get_editable(request: HttpRequest, customer_id: int) -> Customer:
    customer = _get_customer(request, customer_id)
    if not customer.editable_by(request.user):
        raise PermissionDenied(_("You may look at this customer but not change it."))
    return customer


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if ok and target.startswith("/") else default


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def _paged(qs: Any, page: int) -> tuple[list[Any], bool]:
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _page_count(qs: CustomerQuerySet, page: int, rows: list[Any], has_next: bool) -> tuple[int, bool]:
    # Counting a million rows costs more than the page itself; count up to a cap (as the API).
    return qs.page_count(page=page, size=PAGE_SIZE, shown=len(rows), has_next=has_next, cap=COUNT_CAP)


# --- list, export ---------------------------------------------------------------------

def _list_params(request: HttpRequest) -> dict[str, str]:
    params = {k: request.GET.get(k, "").strip()[:100] for k in LIST_FILTERS}
    if params["owner"] == "me":
        params["owner"] = str(request.user.pk)
    elif params["owner"] not in ("", "pool") and not params["owner"].isdigit():
        params["owner"] = ""
    return params


def _list_queryset(request: HttpRequest) -> CustomerQuerySet:
    return (
        _visible(request).filtered(_list_params(request))
        .select_related("owner").prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )


def _owner_choices(user: User) -> list[tuple[str, str]]:
    choices = [("me", _("Mine")), ("pool", _("In the pool"))]
    if user.is_superuser or user.policy().data_scope != DataScope.SELF:
        reps = User.objects.filter(is_active=True, role__in=[Role.ACCOUNT_MANAGER, Role.SUPERVISOR])
        choices += [(str(u.pk), str(u)) for u in reps.exclude(pk=user.pk).order_by("username")]
    return choices


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    page = _page_number(request)
    qs = _list_queryset(request)
    rows, has_next = _paged(qs, page)
    for c in rows:
        c.phone_shown = c.shown_phone(request.user)
    count, exact = _page_count(qs, page, rows, has_next)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "customers/list.html", {
        "rows": rows, "page": page, "has_next": has_next, "count": count, "count_is_exact": exact,
        "pages": math.ceil(count / PAGE_SIZE) if exact else None, "query": query.urlencode(),
        "filters": request.GET, "sorts": SORTS, "export_own_only": request.user.policy().masks_personal_data, "owner_choices": _owner_choices(request.user),
        "tags": Tag.objects.values_list("name", flat=True)[:300],
        "choice_filters": [
            (name, label, choices, request.GET.get(name, "")) for name, label, choices in (
                ("value_tier", _("value tier"), ValueTier.choices), ("time_state", _("time state"), TimeState.choices),
                ("kind", _("kind"), CustomerKind.choices), ("need_type", _("need type"), NeedType.choices),
                ("behaviour_type", _("behavioural type"), BehaviourType.choices),
            )
        ],
    })


def _exportable(request: HttpRequest) -> CustomerQuerySet:
    """A file holds phones in full, so a role that sees others' data masked exports only its own."""
    qs = _visible(request)
    return qs.filter(owner_id=request.user.pk) if request.user.policy().masks_personal_data else qs


@login_required
def customer_export(request: HttpRequest) -> HttpResponse:
    from kehu.customers.imports import export_customers

    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{fmt}"
    export_customers(queryset=_exportable(request).filtered(_list_params(request)), path=path, fmt=fmt)
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response is sent
    name = f"customers-{timezone.localdate():%Y%m%d}.{fmt}"
    return FileResponse(handle, as_attachment=True, filename=name)


# --- create, edit, merge ----------------------------------------------------------------

def _duplicate_of(request: HttpRequest, exc: Conflict) -> Customer | None:
    """The existing customer a create collided with, if the user may see it."""
    if exc.existing_id is None:
        return None
    return _visible(request).filter(pk=exc.existing_id).select_related("owner").first()


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, with_pool_choice=request.user.role == Role.ACCOUNT_MANAGER)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        if form.cleaned_data.get("to_pool"):
            data["owner"] = None
        merge_into = form.cleaned_data["merge_into"]
        if merge_into and not Customer.objects.editable_by(request.user).filter(pk=merge_into).exists():
            merge_into = None
        try:
            customer = services.customer_create(by=request.user, data=data, merge_into=merge_into)
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            duplicate = _duplicate_of(request, exc)
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": customer.name})
            return redirect(customer)
    return render(request, "customers/form.html", {
        "form": form, "duplicate": duplicate,
        "can_merge_duplicate": duplicate is not None and duplicate.editable_by(request.user),
    })


def _initial(customer: Customer) -> dict[str, Any]:
    data = {f: getattr(customer, f) for f in CustomerForm.base_fields if hasattr(customer, f)}
    data["tags"] = ", ".join(t.name for t in customer.tags.all())
    data["version"] = customer.version
    return data


@login_required
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _get_editable(request, customer_id)
    form = CustomerForm(request.POST or None, initial=None if request.POST else _initial(customer))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, by=request.user, data=form.data_for_service(),
                                     version=form.cleaned_data["version"])
        except InvalidInput as exc:
            form.add_service_errors(exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            stale = exc.field == "version"
            if stale:  # keep the input; a second save, made knowingly, goes over the newer version
                form.data = form.data.copy()
                form.data["version"] = str(Customer.objects.values_list("version", flat=True).get(pk=customer.pk))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(customer)
    return render(request, "customers/form.html", {"form": form, "customer": customer, "stale": stale})


@login_required
def customer_merge(request: HttpRequest, customer_id: int) -> HttpResponse:
    keep = _get_editable(request, customer_id)
    q = request.GET.get("q", "").strip()[:100]
    if request.method == "POST":
        merge_id = request.POST.get("merge_id", "")
        other = get_object_or_404(Customer.objects.editable_by(request.user),
                                  pk=int(merge_id) if merge_id.isdigit() else 0)
        try:
            services.customer_merge(keep=keep, merge=other, by=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("“%(name)s” was merged into this customer.") % {"name": other.name})
            return redirect(keep)
    candidates: list[Customer] = []
    if q:
        editable = Customer.objects.editable_by(request.user).exclude(pk=keep.pk).select_related("owner")
        by_id = list(editable.filter(pk=int(q))) if q.isdigit() and len(q) < 12 else []
        candidates = by_id + [c for c in editable.filtered({"q": q})[:20] if c not in by_id]
        for c in candidates:
            c.phone_shown = c.shown_phone(request.user)
    return render(request, "customers/merge.html", {"customer": keep, "q": q, "candidates": candidates})


# --- the 360 page ------------------------------------------------------------------------

def _shown_value(field: Any, value: Any) -> Any:
    """An audit value as people read it: choice labels, lists joined."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or None
    choices = dict(getattr(field, "choices", None) or [])
    return choices.get(value, value) if value != "" else None


def _field_maps() -> dict[str, dict[str, Any]]:
    # The sales app records an opportunity's moves on its customer's history.
    from kehu.sales.models import Opportunity

    models = (Customer, Contact, Equipment, FollowUp, LedgerEntry, Opportunity)
    return {m._meta.model_name: {f.name: f for f in m._meta.get_fields() if hasattr(f, "verbose_name")}
            for m in models}


def _history(customer: Customer) -> list[dict[str, Any]]:
    maps = _field_maps()
    rows = []
    for e in AuditEntry.objects.filter(customer_id=customer.pk).select_related("actor")[:200]:
        fields = maps.get(e.object_type, maps["customer"])
        changes = []
        for name, value in (e.changes or {}).items():
            old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
            if old == new:
                continue
            field = fields.get(name)
            changes.append((field.verbose_name if field else name, _shown_value(field, old), _shown_value(field, new)))
        rows.append({"entry": e, "action": ACTIONS.get(e.action, e.action), "changes": changes})
    return rows


def _masked_contacts(contacts: list[Any]) -> None:
    for c in contacts:
        c.mobile, c.phone, c.email, c.wechat = (
            mask_phone(c.mobile), mask_phone(c.phone), mask_email(c.email), mask_phone(c.wechat)
        )


def _detail_context(request: HttpRequest, customer: Customer, *, tab: str = "", unmasked: bool = False,
                    **forms: ServiceForm) -> dict[str, Any]:
    user = request.user
    tab = tab or request.GET.get("tab", "overview")
    tab = tab if tab in TABS else "overview"
    masked = customer.masks_for(user) and not unmasked
    ctx: dict[str, Any] = {
        "customer": customer, "tab": tab, "tabs": TABS, "masked": masked,
        "phone": mask_phone(customer.phone) if masked else customer.phone,
        "email": mask_email(customer.email) if masked else customer.email,
        "tags": list(customer.tags.all()), "can_edit": customer.editable_by(user),
        "can_release": customer.owner_id is not None and (
            customer.owner_id == user.pk or user.is_superuser
            or user.role not in (Role.AGENT, Role.ACCOUNT_MANAGER)),
    }
    if tab == "overview":
        contacts = list(customer.contacts.all())
        if masked:
            _masked_contacts(contacts)
        ctx["contacts"] = contacts
        ctx["followups"] = list(customer.followups.select_related("by", "contact")[:50])
        ctx["contact_form"] = forms.get("contact_form") or ContactForm()
        ctx["followup_form"] = forms.get("followup_form") or FollowUpForm(contacts=contacts)
    elif tab == "equipment":
        ctx["equipment"] = list(customer.equipment.all())
        ctx["equipment_form"] = forms.get("equipment_form") or EquipmentForm()
        ctx["today"] = timezone.localdate()
    elif tab == "ledger":
        entries = list(customer.ledger.all())
        ctx["ledger"] = entries
        ctx["totals"] = ledger_totals(entries, timezone.localdate())
        ctx["ledger_form"] = forms.get("ledger_form") or LedgerForm()
    else:
        ctx["history"] = _history(customer)
    return ctx


@login_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _get_customer(request, customer_id)
    return render(request, "customers/detail.html", _detail_context(request, customer))


@require_POST
@login_required
def customer_unmask(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = services.customer_unmask(customer=_get_customer(request, customer_id), by=request.user)
    return render(request, "customers/detail.html", _detail_context(request, customer, unmasked=True))


def _add_to_customer(request: HttpRequest, customer: Customer, form: ServiceForm, *, service: Any,
                     form_key: str, tab: str, done: str) -> HttpResponse:
    """Shared flow of the small forms on the 360 page: validate, call the service, redirect."""
    if form.is_valid():
        try:
            service(customer=customer, by=request.user, data=form.data_for_service(), **form.service_options())
        except (InvalidInput, Conflict) as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect(f"{customer.get_absolute_url()}?tab={tab}")
    ctx = _detail_context(request, customer, tab=tab, **{form_key: form})
    return render(request, "customers/detail.html", {**ctx, "open_form": form_key})


@require_POST
@login_required
def contact_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _add_to_customer(
        request, _get_editable(request, customer_id), ContactForm(request.POST), service=services.contact_create,
        form_key="contact_form", tab="overview", done=_("Contact added."),
    )


@require_POST
@login_required
def followup_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _get_editable(request, customer_id)
    form = FollowUpForm(request.POST, contacts=list(customer.contacts.only("id", "name")))
    return _add_to_customer(
        request, customer, form, service=services.followup_create,
        form_key="followup_form", tab="overview", done=_("Follow-up recorded."),
    )


@require_POST
@login_required
def equipment_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _add_to_customer(
        request, _get_editable(request, customer_id), EquipmentForm(request.POST),
        service=services.equipment_create, form_key="equipment_form", tab="equipment", done=_("Equipment added."),
    )


@require_POST
@login_required
def ledger_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _add_to_customer(
        request, _get_editable(request, customer_id), LedgerForm(request.POST),
        service=services.ledger_entry_create, form_key="ledger_form", tab="ledger", done=_("Ledger entry added."),
    )


# --- pool actions ----------------------------------------------------------------------

@require_POST
@login_required
def customer_claim(request: HttpRequest, customer_id: int) -> HttpResponse:
    # Not through visible_to: a pool customer is visible to everyone, and one that someone
    # else claimed a moment ago must answer "already claimed", not "not found".
    customer = get_object_or_404(Customer.objects.alive(), pk=customer_id)
    error = ""
    try:
        services.customer_claim(customer=customer, by=request.user)
    except (Conflict, NotAllowed) as exc:
        error = exc.message
    if _is_htmx(request):
        customer.phone_shown = customer.shown_phone(request.user)
        return render(request, "customers/_pool_row.html", {"c": customer, "claimed": not error, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("“%(name)s” is now yours.") % {"name": customer.name})
    return redirect(_safe_next(request, customer.get_absolute_url()))


@require_POST
@login_required
def customer_release(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _get_customer(request, customer_id)
    try:
        services.customer_release(customer=customer, by=request.user, reason=request.POST.get("reason", "")[:255])
    except NotAllowed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(name)s” was released to the pool.") % {"name": customer.name})
    return redirect(customer)


@require_POST
@login_required
def customer_delete(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _get_editable(request, customer_id)
    services.customer_delete(customer=customer, by=request.user)
    messages.success(request, _("“%(name)s” was moved to the recycle bin.") % {"name": customer.name})
    return redirect("customers:list")


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    page = _page_number(request)
    q = request.GET.get("q", "").strip()[:100]
    qs = _visible(request).in_pool().filtered({"q": q}).select_related("team")
    rows, has_next = _paged(qs, page)
    for c in rows:
        c.phone_shown = c.shown_phone(request.user)
    count, exact = _page_count(qs, page, rows, has_next)
    return render(request, "customers/pool.html", {
        "rows": rows, "page": page, "has_next": has_next, "count": count, "count_is_exact": exact, "q": q,
        "query": f"q={q}" if q else "",
    })


# --- recycle bin ------------------------------------------------------------------------

def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_admin_role:
        raise PermissionDenied(_("Only an administrator can open the recycle bin."))


@login_required
def trash(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    page = _page_number(request)
    qs = Customer.objects.in_trash().select_related("deleted_by", "owner").order_by("-deleted_at", "-id")
    rows, has_next = _paged(qs, page)
    return render(request, "customers/trash.html", {
        "rows": rows, "page": page, "has_next": has_next,
        "retention_days": settings.KEHU_TRASH_RETENTION_DAYS,
    })


@require_POST
@login_required
def customer_restore(request: HttpRequest, customer_id: int) -> HttpResponse:
    _require_admin(request)
    customer = get_object_or_404(Customer.objects.in_trash(), pk=customer_id)
    try:
        services.customer_restore(customer=customer, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("customers:trash")
    messages.success(request, _("“%(name)s” was restored.") % {"name": customer.name})
    return redirect(customer)


# --- import ------------------------------------------------------------------------------

def _save_upload(upload: Any) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.\-]+", "_", Path(upload.name).name)[-80:]
    path = folder / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}-{stem}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from kehu.customers.imports import import_customers

        upload = form.cleaned_data["file"]
        try:
            job = import_customers(path=_save_upload(upload), by=request.user,
                                   dry_run=form.cleaned_data["dry_run"], file_name=upload.name)
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("customers:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(by=request.user)[:10]
    return render(request, "customers/import.html", {"form": form, "jobs": jobs})


def _get_job(request: HttpRequest, job_id: int) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=job_id)
    if job.by_id != request.user.pk and not request.user.is_admin_role:
        raise Http404
    return job


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get_job(request, job_id)
    return render(request, "customers/import_job.html", {"job": job, "problems": job.problems[:2000]})


@login_required
def import_error_file(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get_job(request, job_id)
    path = Path(job.error_file) if job.error_file else None
    if path is None or not path.is_absolute() or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"errors-{Path(job.file_name).stem}.xlsx")

