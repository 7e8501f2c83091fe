"""Two reps claim the same pool lead at the same instant over HTTP: exactly one wins."""

from __future__ import annotations

import pytest

from kehu.accounts.services import token_create
from kehu.core.models import AuditEntry
from kehu.customers.tests.test_claim_race import race
from kehu.sales.models import Lead
from kehu.sales.tests.conftest import make_lead

ROUNDS = 8


@pytest.mark.django_db(transaction=True)
def test_of_two_reps_claiming_one_pool_lead_at_once_exactly_one_wins(live_server, bob, erin) -> None:
    tokens = {u.username: token_create(user=u) for u in (bob, erin)}
    # A loser that arrives after the winner committed no longer sees the lead at all (it is
    # outside their scope now): 404 instead of 409. Either way it is refused and unchanged.
    for i in range(ROUNDS):
        lead = make_lead(bob, owner=None, company=f"公海线索{i}")
        results = race(f"{live_server.url}/api/leads/{lead.pk}/claim", tokens)
        statuses = sorted(status for status, _body in results.values())
        assert statuses[0] == 200 and set(statuses[1:]) <= {404, 409}, results
        winner = next(name for name, (status, _b) in results.items() if status == 200)
        assert Lead.objects.get(pk=lead.pk).owner.username == winner
        assert AuditEntry.objects.filter(action="lead.claimed", object_id=lead.pk).count() == 1
