"""Random samples of invitees (抽样): simple random or stratified by value tier or region.

The frame is the customer list's filter within what the user may see, less the customers
already invited to the survey. Only ids (and the stratum) leave the database; numpy draws
from them, so a million customers cost one column read. Same frame + same seed = same sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.customers.models import Customer
from kehu.surveys.models import Invitation, InvitationChannel, Survey, SurveyStatus

STRATA = {"": None, "tier": "value_tier", "region": "province"}
FILTERS = ("value_tier", "time_state", "province", "city", "tag", "team", "owner")
BATCH = 2000


@dataclass
class Stratum:
    name: str
    population: int
    quota: int
    drawn: int = 0

    @property
    def short(self) -> int:
        return self.quota - self.drawn


@dataclass
class Sample:
    ids: list[int]
    strata: list[Stratum]
    invited: int = 0
    mailed: int = 0
    customers: list[Customer] = field(default_factory=list)


def frame(*, survey: Survey, user: User, params: Mapping[str, Any], by: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, strata) of the eligible customers, ids ascending so a seed always draws alike."""
    clean = {k: v for k, v in params.items() if k in FILTERS and v}
    qs = Customer.objects.visible_to(user).filtered(clean).order_by()
    invited = Invitation.objects.filter(survey=survey, customer__isnull=False).values("customer_id")
    qs = qs.exclude(pk__in=invited)
    if clean.get("tag"):
        qs = qs.distinct()  # a join through tags could repeat a customer
    if by is None:
        ids = np.fromiter(qs.values_list("pk", flat=True), dtype=np.int64)
        ids.sort()
        return ids, np.full(len(ids), "", dtype=object)
    pairs = sorted(qs.values_list("pk", by))
    ids = np.fromiter((p for p, _s in pairs), dtype=np.int64, count=len(pairs))
    return ids, np.array([s or "" for _p, s in pairs], dtype=object)


def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Proportional allocation by largest remainders (Hamilton): quotas sum to min(n, total),
    none above its stratum; ties go to the larger stratum, then by name."""
    total = sum(sizes.values())
    n = min(n, total)
    if total == 0:
        return dict.fromkeys(sizes, 0)
    exact = {s: n * size / total for s, size in sizes.items()}
    quota = {s: int(v) for s, v in exact.items()}
    order = sorted(sizes, key=lambda s: (-(exact[s] - quota[s]), -sizes[s], s))
    for s in order[: n - sum(quota.values())]:
        quota[s] += 1
    return quota


def parse_quotas(text: str) -> dict[str, int]:
    """'key=20' lines (or commas) as {stratum: n}; a clear message for a bad line."""
    out: dict[str, int] = {}
    for line in text.replace("，", ",").replace(",", "\n").splitlines():
        if not line.strip():
            continue
        name, sep, number = line.replace("＝", "=").rpartition("=")
        if not sep or not number.strip().isdigit():
            raise InvalidInput(_("Quota “%(line)s”: write stratum=number, e.g. key=20.") % {"line": line.strip()},
                               field="quotas")
        out[name.strip()] = int(number)
    if not out:
        raise InvalidInput(_("Give a quota for at least one stratum."), field="quotas")
    return out


def draw(ids: np.ndarray, strata: np.ndarray, quotas: Mapping[str, int], seed: int) -> tuple[list[int], list[Stratum]]:
    """Each stratum's quota drawn without replacement, in sorted stratum order from one stream."""
    rng = np.random.default_rng(seed)
    names, inverse = _codes(strata)
    order = np.argsort(inverse, kind="stable")  # ids grouped by stratum, ascending within each
    bounds = np.concatenate(([0], np.cumsum(np.bincount(inverse, minlength=len(names)))))
    groups = {str(n): ids[order[bounds[k]:bounds[k + 1]]] for k, n in enumerate(names)}
    chosen: list[int] = []
    report = []
    for name in sorted(set(groups) | set(quotas)):
        members = groups.get(name, ids[:0])
        k = min(quotas.get(name, 0), len(members))
        if k:
            chosen.extend(rng.choice(members, size=k, replace=False).tolist())
        report.append(Stratum(name, len(members), quotas.get(name, 0), k))
    return chosen, report


def _codes(strata: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Stratum names (sorted) and each row's index into them; a dict beats sorting a million strings."""
    names = sorted({str(s) for s in strata})
    index = {n: k for k, n in enumerate(names)}
    return names, np.fromiter((index[str(s)] for s in strata), dtype=np.int64, count=len(strata))


def sample_draw(*, survey: Survey, by: User, params: Mapping[str, Any], n: int = 0, stratify: str = "",
                quotas: Mapping[str, int] | None = None, seed: int = 0, send: bool = False) -> Sample:
    """Draw the sample and invite it: an e-mail invitation when asked and an address is known,
    otherwise a link invitation (the invitee's own token) to hand out another way."""
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("This survey is not open for answers."))
    if stratify not in STRATA:
        raise InvalidInput(_("Unknown stratification."), field="stratify")
    if not quotas and n < 1:
        raise InvalidInput(_("Say how many customers to draw."), field="n")
    ids, strata = frame(survey=survey, user=by, params=params, by=STRATA[stratify])
    if not quotas:
        names, inverse = _codes(strata)
        quotas = allocate(dict(zip(names, np.bincount(inverse, minlength=len(names)).tolist(), strict=True)), n)
    chosen, report = draw(ids, strata, quotas, seed)
    result = Sample(ids=chosen, strata=report)
    _invite(survey, result, send)
    log_action("surveys.sample.drawn", actor=by, obj=survey,
               note=f"{len(chosen)} drawn ({stratify or 'simple'}, seed {seed}), {result.mailed} mailed")
    return result


def _invite(survey: Survey, result: Sample, send: bool) -> None:
    from kehu.surveys.services import invitation_send

    emails: dict[int, str] = {}
    for start in range(0, len(result.ids), BATCH):
        chunk = result.ids[start:start + BATCH]
        emails.update(Customer.objects.filter(pk__in=chunk).values_list("pk", "email"))
    made: list[Invitation] = []
    with transaction.atomic():
        for start in range(0, len(result.ids), BATCH):
            made += Invitation.objects.bulk_create([
                Invitation(survey=survey, customer_id=cid, email=emails.get(cid, "") if send else "",
                           channel=InvitationChannel.EMAIL if send and emails.get(cid) else InvitationChannel.LINK)
                for cid in result.ids[start:start + BATCH]])
    result.invited = len(made)
    if send:
        made = [i for i in made if i.email]
        result.mailed = sum(invitation_send(invitation=i) for i in made)
