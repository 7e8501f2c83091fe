"""JSON API of the customer archive. Handlers parse, call one service, respond."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.core.phones import mask_email, mask_phone, try_normalize_phone
from kehu.core.schemas import MAX_ID, Message
from kehu.customers import services
from kehu.customers.models import Contact, Customer, FollowUp, Tag, ledger_totals
from kehu.customers.schemas import (
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    FollowUpIn,
    FollowUpOut,
    HistoryOut,
    LedgerOut,
    MergeIn,
)

router = Router(tags=["customers"])
contacts_router = Router(tags=["contacts"])
followups_router = Router(tags=["follow-ups"])

COUNT_CAP = 10_000
# Ids and page numbers beyond these cannot exist; SQLite fails on integers past 2**63.
MAX_PAGE = 1_000_000


def user_ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user)}


def customer_out(c: Customer, user: User, *, unmasked: bool = False) -> dict[str, Any]:
    masked = c.masks_for(user) and not unmasked
    data = {f: getattr(c, f) for f in CustomerOut.model_fields if hasattr(c, f) and f not in ("owner", "tags")}
    data.update(
        phone=mask_phone(c.phone) if masked else c.phone,
        email=mask_email(c.email) if masked else c.email,
        masked=masked,
        tags=[t.name for t in c.tags.all()],
        owner=user_ref(c.owner),
        in_pool=c.owner_id is None,
    )
    return data


def contact_out(contact: Contact, masked: bool) -> dict[str, Any]:
    data = {f: getattr(contact, f) for f in ContactOut.model_fields}
    if masked:
        data.update(mobile=mask_phone(contact.mobile), phone=mask_phone(contact.phone),
                    email=mask_email(contact.email), wechat=mask_phone(contact.wechat))
    return data


def _visible(request: HttpRequest) -> Any:
    return Customer.objects.visible_to(request.user).select_related("owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def _get(request: HttpRequest, customer_id: int) -> Customer:
    if not 0 < customer_id <= MAX_ID:
        raise Http404
    return get_object_or_404(_visible(request), pk=customer_id)


def _get_editable(request: HttpRequest, customer_id: int) -> Customer:
    customer = _get(request, customer_id)
    if not customer.editable_by(request.user):
        raise NotAllowed(_("You may look at this customer but not change it."))
    return customer


class CustomerFilters(Schema):
    q: str = Field("", description="A name fragment, a credit code, a whole phone number, the last 4 or more "
                                   "digits of a phone (尾号), or its first 7 or more; contacts' phones count too.")
    kind: str = ""
    value_tier: str = ""
    time_state: str = ""
    need_type: str = ""
    behaviour_type: str = ""
    relation: str = ""
    source: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    owner: str = ""
    team: int | None = Field(None, ge=0, le=MAX_ID)
    tag: str = ""
    segment: str = ""
    sort: str = "-id"
    page: int = Field(1, le=MAX_PAGE)
    page_size: int = 50


@router.get("", response=CustomerPage, summary="List customers in your scope")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    params = filters.dict()
    page = max(1, params.pop("page"))
    size = min(max(1, params.pop("page_size")), 200)
    if params["owner"] == "me":
        params["owner"] = str(request.user.pk)
    elif params["owner"] not in ("", "pool") and not (params["owner"].isdecimal() and int(params["owner"]) <= MAX_ID):
        raise InvalidInput(_("Choose an owner by id, “me” or “pool”."), field="owner")
    qs = _visible(request).filtered(params)
    rows = list(qs[(page - 1) * size: page * size + 1])
    # Counting a million rows costs more than the page itself; count up to a cap.
    count, exact = qs.page_count(page=page, size=size, shown=min(len(rows), size), has_next=len(rows) > size,
                                 cap=COUNT_CAP)
    return {
        "count": count, "count_is_exact": exact,
        "page": page, "page_size": size, "has_next": len(rows) > size,
        "items": [customer_out(c, request.user) for c in rows[:size]],
    }


@router.post("", response={201: CustomerOut, 200: CustomerOut, 409: Message, 422: Message},
             summary="Create a customer (409 with existing_id for a duplicate)")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status:
    data = payload.dict(exclude={"owner_id", "to_pool", "merge_into"})
    if payload.merge_into is not None:
        _get_editable(request, payload.merge_into)  # merging changes that customer
    if payload.to_pool:
        data["owner"] = None
    elif payload.owner_id is not None:
        data["owner"] = _assignable_owner(request.user, payload.owner_id)
    customer = services.customer_create(by=request.user, data=data, merge_into=payload.merge_into)
    status = 200 if payload.merge_into == customer.pk else 201
    return Status(status, customer_out(_get(request, customer.pk), request.user))


def _assignable_owner(by: User, owner_id: int) -> User:
    owner = None
    if 0 < owner_id <= MAX_ID:
        owner = User.objects.filter(pk=owner_id, is_active=True).select_related("department").first()
    if owner is None:
        raise InvalidInput(_("No such user."), field="owner_id", errors={"owner_id": _("No such user.")})
    if owner.pk != by.pk and by.role in ("agent", "account_manager") and not by.is_superuser:
        raise NotAllowed(_("You can only assign customers to yourself."), field="owner_id")
    return owner


@router.get("/lookup", response={200: CustomerOut, 404: Message, 422: Message},
            summary="Find the customer by any phone of it or its contacts")
def lookup(request: HttpRequest, phone: str) -> Status:
    norm = try_normalize_phone(phone)
    if not norm:
        raise InvalidInput(_("“%(value)s” is not a phone number.") % {"value": phone}, field="phone")
    # Ids first, then the scope: a subquery here lets SQLite plan the scope first and
    # scan half the table (seconds at a million rows) instead of probing two indexes.
    ids = Customer.objects.phone_matches(norm)
    customer = _visible(request).filter(pk__in=ids).first() if ids else None
    if customer is None:
        return Status(404, {"message": _("No customer has this phone number."), "field": "phone"})
    return Status(200, customer_out(customer, request.user))


@router.get("/{int:customer_id}", response=CustomerOut)
def get_customer(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    return customer_out(_get(request, customer_id), request.user)


@router.patch("/{int:customer_id}", response={200: CustomerOut, 409: Message, 422: Message, 403: Message})
def patch_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> dict[str, Any]:
    customer = _get_editable(request, customer_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = _assignable_owner(request.user, owner_id) if owner_id else None
    services.customer_update(customer=customer, by=request.user, data=data, version=version)
    return customer_out(_get(request, customer_id), request.user)


@router.delete("/{int:customer_id}", response={204: None, 403: Message})
def delete_customer(request: HttpRequest, customer_id: int) -> Status:
    services.customer_delete(customer=_get_editable(request, customer_id), by=request.user)
    return Status(204, None)


@router.post("/{int:customer_id}/claim", response={200: CustomerOut, 403: Message, 409: Message})
def claim(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    # Any live customer, not only visible ones: pool customers are visible to everyone,
    # and one a rival claimed a moment ago must answer 409 from the service, not 404.
    if not 0 < customer_id <= MAX_ID:
        raise Http404
    customer = get_object_or_404(Customer.objects.alive(), pk=customer_id)
    services.customer_claim(customer=customer, by=request.user)
    return customer_out(_get(request, customer_id), request.user)


@router.post("/{int:customer_id}/release", response={200: CustomerOut, 403: Message})
def release(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    services.customer_release(customer=_get(request, customer_id), by=request.user)
    return customer_out(_get(request, customer_id), request.user)


@router.post("/{int:customer_id}/unmask", response=CustomerOut, summary="Show masked personal data (logged)")
def unmask(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    customer = services.customer_unmask(customer=_get(request, customer_id), by=request.user)
    return customer_out(customer, request.user, unmasked=True)


@router.post("/{int:customer_id}/merge", response={200: CustomerOut, 409: Message, 422: Message},
             summary="Merge another customer into this one, keeping all history")
def merge(request: HttpRequest, customer_id: int, payload: MergeIn) -> dict[str, Any]:
    keep = _get_editable(request, customer_id)
    other = _get_editable(request, payload.merge_id)
    services.customer_merge(keep=keep, merge=other, by=request.user)
    return customer_out(_get(request, customer_id), request.user)


@router.get("/{int:customer_id}/history", response=list[HistoryOut])
def history(request: HttpRequest, customer_id: int, limit: int = 200) -> list[dict[str, Any]]:
    customer = _get(request, customer_id)
    entries = AuditEntry.objects.filter(customer_id=customer.pk).select_related("actor")[: min(max(limit, 1), 1000)]
    return [
        {"id": e.pk, "at": e.at, "actor": user_ref(e.actor), "action": e.action, "object_type": e.object_type,
         "object_id": e.object_id, "changes": e.changes, "note": e.note}
        for e in entries
    ]


@router.get("/{int:customer_id}/contacts", response=list[ContactOut])
def customer_contacts(request: HttpRequest, customer_id: int) -> list[dict[str, Any]]:
    customer = _get(request, customer_id)
    masked = customer.masks_for(request.user)
    return [contact_out(c, masked) for c in customer.contacts.all()]


@router.get("/{int:customer_id}/ledger", response=LedgerOut)
def ledger(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    customer = _get(request, customer_id)
    return ledger_totals(list(customer.ledger.all()), timezone.localdate())


@contacts_router.get("", response=list[ContactOut])
def list_contacts(request: HttpRequest, customer_id: int | None = None, q: str = "", limit: int = 50) -> list[dict[str, Any]]:
    visible = Customer.objects.visible_to(request.user)
    qs = Contact.objects.filter(customer__in=visible).select_related("customer")
    if customer_id and not 0 < customer_id <= MAX_ID:
        return []
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if q:
        norm = try_normalize_phone(q)
        qs = qs.filter(Q(mobile_norm=norm) | Q(phone_norm=norm)) if norm else qs.filter(name__contains=q.strip())
    return [contact_out(c, c.customer.masks_for(request.user)) for c in qs.order_by("-id")[: min(max(limit, 1), 200)]]


@contacts_router.post("", response={201: ContactOut, 409: Message, 422: Message, 403: Message})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    customer = _get_editable(request, payload.customer_id)
    data = payload.dict(exclude={"customer_id", "confirm_duplicate"})
    contact = services.contact_create(customer=customer, by=request.user, data=data,
                                      confirm_duplicate=payload.confirm_duplicate)
    return Status(201, contact_out(contact, False))


@followups_router.get("", response=list[FollowUpOut])
def list_followups(request: HttpRequest, customer_id: int | None = None, due: bool = False,
                   limit: int = 50) -> list[dict[str, Any]]:
    qs = FollowUp.objects.filter(customer__in=Customer.objects.visible_to(request.user)).select_related("by")
    if customer_id and not 0 < customer_id <= MAX_ID:
        return []
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if due:
        qs = qs.due_on_or_before(timezone.localdate())
    return [
        {**{f: getattr(f_, f) for f in FollowUpOut.model_fields if f != "by"}, "by": user_ref(f_.by)}
        for f_ in qs[: min(max(limit, 1), 200)]
    ]


@followups_router.post("", response={201: FollowUpOut, 422: Message, 403: Message})
def create_followup(request: HttpRequest, payload: FollowUpIn) -> Status:
    customer = _get_editable(request, payload.customer_id)
    followup = services.followup_create(customer=customer, by=request.user, data=payload.dict(exclude={"customer_id"}))
    out = {f: getattr(followup, f) for f in FollowUpOut.model_fields if f != "by"}
    return Status(201, {**out, "by": user_ref(request.user)})
