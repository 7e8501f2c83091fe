"""Two reps claim the same pool customer at the same instant: exactly one wins.

Real HTTP requests against a live server, one thread per rep, released together by a
barrier, so the database (not the test client) decides the race.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from kehu.accounts.models import User
from kehu.accounts.services import token_create
from kehu.core.models import AuditEntry
from kehu.customers.models import Customer
from kehu.customers.services import customer_create

ROUNDS = 10


def claim(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=b"{}", method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json",
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def race(url: str, tokens: dict[str, str]) -> dict[str, tuple[int, dict]]:
    """Fire one claim per token at the same moment; return each one's answer."""
    barrier = threading.Barrier(len(tokens))
    results: dict[str, tuple[int, dict]] = {}

    def run(name: str, token: str) -> None:
        barrier.wait()
        results[name] = claim(url, token)

    threads = [threading.Thread(target=run, args=item) for item in tokens.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def pool_customers(by: User, n: int) -> list[Customer]:
    return [customer_create(by=by, data={"name": f"公海客户{i}", "phone": f"1390000{i:04d}", "owner": None})
            for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_of_two_reps_claiming_at_once_exactly_one_wins_and_the_other_gets_409(live_server, bob, erin) -> None:
    tokens = {"bob": token_create(user=bob), "erin": token_create(user=erin)}
    for customer in pool_customers(bob, ROUNDS):
        results = race(f"{live_server.url}/api/customers/{customer.pk}/claim", tokens)
        assert sorted(status for status, _body in results.values()) == [200, 409], results
        winner = next(name for name, (status, _b) in results.items() if status == 200)
        loser = next(name for name, (status, _b) in results.items() if status == 409)
        assert results[winner][1]["owner"]["username"] == winner
        assert results[loser][1]["message"]
        customer.refresh_from_db()
        assert customer.owner.username == winner
        assert AuditEntry.objects.filter(action="customer.claimed", customer_id=customer.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_of_four_reps_in_two_teams_claiming_at_once_exactly_one_wins(live_server, bob, erin, dave) -> None:
    extra = User.objects.create_user(username="gina", password="x", role="account_manager",
                                     department=dave.department)
    people = [bob, erin, dave, extra]
    tokens = {u.username: token_create(user=u) for u in people}
    for customer in pool_customers(bob, ROUNDS // 2):
        results = race(f"{live_server.url}/api/customers/{customer.pk}/claim", tokens)
        statuses = sorted(status for status, _body in results.values())
        assert statuses == [200, 409, 409, 409], results
        customer.refresh_from_db()
        assert results[customer.owner.username][0] == 200


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_by_the_same_rep_both_succeed_once(live_server, bob) -> None:
    tokens = {"first": token_create(user=bob), "second": token_create(user=bob)}
    customer = pool_customers(bob, 1)[0]
    results = race(f"{live_server.url}/api/customers/{customer.pk}/claim", tokens)
    # Whichever comes second finds bob already the owner: claiming is idempotent for him.
    assert sorted(status for status, _body in results.values()) in ([200, 200], [200, 409])
    customer.refresh_from_db()
    assert customer.owner == bob
    assert AuditEntry.objects.filter(action="customer.claimed", customer_id=customer.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reps_at_the_hold_limit_racing_for_two_customers_never_exceed_it(live_server, settings, bob) -> None:
    settings.KEHU_MAX_CUSTOMERS_PER_REP = 1
    bob.department = None
    bob.save(update_fields=["department"])
    first, second = pool_customers(bob, 2)
    token = token_create(user=bob)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run(customer: Customer) -> None:
        barrier.wait()
        results.append(claim(f"{live_server.url}/api/customers/{customer.pk}/claim", token)[0])

    threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [200, 403]
    assert Customer.objects.filter(owner=bob).count() == 1
