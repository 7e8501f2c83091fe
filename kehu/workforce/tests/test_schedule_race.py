"""Two supervisors put the same agent on different shifts at the same instant: one wins."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request

import pytest

from kehu.accounts.services import token_create
from kehu.workforce.models import ScheduleEntry
from kehu.workforce.tests.conftest import MONDAY

ROUNDS = 4


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_of_two_shifts_given_at_once_one_is_refused(live_server, org, day_shift, night_shift):
    alice = org["alice"]
    tokens = [(token_create(user=org["carol"]), "D"), (token_create(user=org["frank"]), "N")]
    for n in range(ROUNDS):
        day = MONDAY + dt.timedelta(days=3 * n)  # apart, so the night shift never collides
        barrier = threading.Barrier(2)
        results: list[tuple[int, dict]] = []

        def run(token: str, code: str, day: dt.date = day, barrier: threading.Barrier = barrier,
                results: list = results) -> None:
            barrier.wait()
            results.append(post(f"{live_server.url}/api/workforce/schedule", token,
                                {"agent": alice.pk, "date": day.isoformat(), "shift": code}))

        threads = [threading.Thread(target=run, args=t) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(status for status, _ in results) == [200, 409], results
        entry = ScheduleEntry.objects.get(agent=alice, date=day)
        winner = next(body for status, body in results if status == 200)
        assert entry.shift is not None and entry.shift.code == winner["shift"]
