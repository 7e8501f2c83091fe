"""Retries and simultaneous requests through a live server: no duplicate tickets, no shared numbers."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from kehu.accounts.services import token_create
from kehu.service.models import Ticket

PAYLOAD = json.dumps({"kind": "repair", "channel": "api", "title": "整栋楼停电", "description": "电梯困人"}).encode()


def post(url: str, token: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=PAYLOAD, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def together(n: int, call) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(n)
    results: list[tuple[int, dict]] = []

    def run(i: int) -> None:
        barrier.wait()
        results.append(call(i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_retries_with_one_key_create_one_ticket(live_server, alice):
    token = token_create(user=alice)
    results = together(8, lambda i: post(f"{live_server.url}/api/tickets", token, "retry-me"))
    assert [status for status, _ in results] == [201] * 8, results
    assert len({body["id"] for _, body in results}) == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_get_distinct_numbers(live_server, alice):
    token = token_create(user=alice)
    results = together(8, lambda i: post(f"{live_server.url}/api/tickets", token, f"key-{i}"))
    assert [status for status, _ in results] == [201] * 8, results
    numbers = [body["number"] for _, body in results]
    assert len(set(numbers)) == 8 and Ticket.objects.count() == 8


@pytest.mark.django_db(transaction=True)
def test_writes_without_credentials_answer_401_over_real_http(live_server, alice):
    """A real client sends no CSRF token; Django's test client hides that by skipping the check."""
    for path in ("/api/tickets", "/api/customers"):
        status, body = post(f"{live_server.url}{path}", "not-a-token", "k")
        assert status == 401, body
        request = urllib.request.Request(f"{live_server.url}{path}", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=30)
        assert error.value.code == 401
