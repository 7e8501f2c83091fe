"""Two evaluators score the same call at the same instant over HTTP: exactly one evaluation."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from kehu.accounts.services import token_create
from kehu.quality.models import Evaluation
from kehu.quality.tests.conftest import full_marks, make_call, shipped_form

ROUNDS = 5


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def race(url: str, tokens: list[str], body: dict) -> list[tuple[int, dict]]:
    """Post the same body with each token at the same moment."""
    barrier, results = threading.Barrier(len(tokens)), []

    def run(token: str) -> None:
        barrier.wait()
        results.append(post(url, token, body))

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_of_two_evaluators_scoring_one_call_at_once_one_wins(live_server, org, amy) -> None:
    form = shipped_form()
    tokens = [token_create(user=org["carol"]), token_create(user=org["frank"])]
    for _ in range(ROUNDS):
        call = make_call(amy)
        results = race(f"{live_server.url}/api/quality/evaluations", tokens,
                       {"interaction": call.pk, "items": full_marks(form)})
        assert sorted(status for status, _ in results) == [201, 409], results
        assert Evaluation.objects.filter(interaction=call).count() == 1
