"""Filling a reply template's variables, safely.

The text is never evaluated: not by str.format (which would let `{customer.__class__}`
walk attributes) and not as a Django template. Each `{name}` is looked up in a fixed
table of variables; anything else stays in the text as typed and is reported, so the
agent sees what was not filled. The result is plain text: pages escape it on output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kehu.core.phones import mask_phone

_PLACEHOLDER = re.compile(r"\{([^{}\n]{1,60})\}")


@dataclass
class Context:
    customer: Any = None
    ticket: Any = None
    user: Any = None
    reporter_hidden: bool = False


def _customer_name(c: Context) -> str | None:
    if c.customer is not None:
        return c.customer.name
    if c.ticket is None or c.reporter_hidden:
        return None
    return c.ticket.caller_name or None


def _customer_phone(c: Context) -> str | None:
    if c.customer is None:
        return None
    if c.user is None or not getattr(c.user, "is_authenticated", False):
        return mask_phone(c.customer.phone)  # nobody known to show it to: masked
    return c.customer.shown_phone(c.user)


def _agent_name(c: Context) -> str | None:
    return str(c.user) if c.user is not None and getattr(c.user, "is_authenticated", False) else None


def _ticket(attr: str) -> Callable[[Context], str | None]:
    return lambda c: getattr(c.ticket, attr) if c.ticket is not None else None


# The whole vocabulary. A value of None means "no such object given": the placeholder stays.
VARIABLES: dict[str, Callable[[Context], str | None]] = {
    "customer.name": _customer_name,
    "customer.phone": _customer_phone,
    "ticket.number": _ticket("number"),
    "ticket.title": _ticket("title"),
    "ticket.kind": lambda c: c.ticket.get_kind_display() if c.ticket is not None else None,
    "ticket.status": lambda c: c.ticket.get_status_display() if c.ticket is not None else None,
    "agent.name": _agent_name,
    "today": lambda c: timezone.localdate().isoformat(),
}


@dataclass
class Rendered:
    text: str
    unknown: list[str] = field(default_factory=list)  # placeholders that are no variable
    missing: list[str] = field(default_factory=list)  # variables with nothing to fill them from


def template_render_full(template_body: str, *, customer: Any = None, ticket: Any = None,
                         user: Any = None) -> Rendered:
    # An anonymous report's reporter stays hidden from those who may not see it.
    hidden = ticket is not None and user is not None and not ticket.reporter_visible_to(user)
    if customer is None and ticket is not None and not hidden:
        customer = ticket.customer
    ctx = Context(customer=customer, ticket=ticket, user=user, reporter_hidden=hidden)
    result = Rendered(text="")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        getter = VARIABLES.get(name)
        if getter is None:
            result.unknown.append(match.group(0))
            return match.group(0)
        value = getter(ctx)
        if value is None:
            result.missing.append(match.group(0))
            return match.group(0)
        return str(value)

    result.text = _PLACEHOLDER.sub(fill, template_body or "")
    result.unknown = list(dict.fromkeys(result.unknown))
    result.missing = list(dict.fromkeys(result.missing))
    return result


def template_render(template_body: str, *, customer: Any = None, ticket: Any = None, user: Any = None) -> str:
    """The template's text with every known variable filled (see VARIABLES)."""
    return template_render_full(template_body, customer=customer, ticket=ticket, user=user).text
