"""Two agents work one campaign at the same time, each thread on its own database connection:
no entry is ever handed to both, unanswered calls come back after the spacing, and a
do-not-call number is never handed out."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from kehu.outbound import services
from kehu.outbound.models import Attempt, CampaignEntry, EntryStatus
from kehu.outbound.tests.conftest import NOW, load, make_campaign, phones

pytestmark = pytest.mark.django_db(transaction=True)


def work_until_empty(campaign, agents, *, now, outcome_for) -> list[tuple[str, int]]:
    """Each agent, in its own thread, takes the next contact and records its outcome until none is due."""
    handed: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(agents))
    lock = threading.Lock()

    def run(agent) -> None:
        try:
            start.wait()
            while True:
                entry = services.entry_next(campaign=campaign, agent=agent, now=now)
                if entry is None:
                    return
                with lock:
                    handed.append((agent.username, entry.pk))
                services.attempt_record(entry=entry, agent=agent, outcome=outcome_for(entry), now=now)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return handed


def test_two_agents_working_one_campaign_at_once_never_share_an_entry(carol, alice, amy) -> None:
    campaign = make_campaign(carol, [alice, amy], max_attempts=2, retry_minutes=30)
    numbers = phones(40)
    load(campaign, carol, numbers)
    blocked = numbers[7]
    services.dnc_add(phone=blocked, by=carol, reason="投诉过骚扰电话")
    blocked_entry = CampaignEntry.objects.get(campaign=campaign, phone_norm=blocked)
    # Every third customer does not answer; the rest are reached.
    silent = {e.pk for i, e in enumerate(CampaignEntry.objects.filter(campaign=campaign).order_by("id")) if i % 3 == 0}

    def outcome(entry) -> str:
        return "no_answer" if entry.pk in silent else "connected"

    first = work_until_empty(campaign, [alice, amy], now=NOW, outcome_for=outcome)
    ids = [pk for _agent, pk in first]
    assert len(ids) == len(set(ids)) == 39, Counter(ids).most_common(3)
    assert blocked_entry.pk not in ids
    assert {agent for agent, _pk in first} == {"alice", "amy"}  # both really worked

    # Ten minutes later nothing is due: the unanswered wait for their 30 minutes.
    assert services.entry_next(campaign=campaign, agent=alice, now=NOW + dt.timedelta(minutes=10)) is None

    # After the spacing the unanswered (less the blocked one) come back, once each, and fail for good.
    later = NOW + dt.timedelta(minutes=31)
    second = work_until_empty(campaign, [alice, amy], now=later, outcome_for=outcome)
    again = [pk for _agent, pk in second]
    assert len(again) == len(set(again))
    assert set(again) == silent - {blocked_entry.pk}

    final = dict(CampaignEntry.objects.filter(campaign=campaign).values_list("id", "status"))
    assert final[blocked_entry.pk] == EntryStatus.DNC
    assert {final[pk] for pk in silent - {blocked_entry.pk}} == {EntryStatus.FAILED}
    assert {s for pk, s in final.items() if pk not in silent | {blocked_entry.pk}} == {EntryStatus.DONE}
    assert Attempt.objects.filter(entry=blocked_entry).count() == 0
    assert Attempt.objects.filter(campaign=campaign).count() == 39 + len(silent - {blocked_entry.pk})
    # Nothing is left for anyone.
    assert services.entry_next(campaign=campaign, agent=amy, now=later + dt.timedelta(days=1)) is None


def test_six_agents_asking_at_the_same_instant_each_get_a_different_entry(carol, org) -> None:
    from conftest import make_user

    agents = [make_user(f"agent{i}", "agent", org["center"]) for i in range(6)]
    campaign = make_campaign(carol, agents)
    load(campaign, carol, phones(20))
    got: dict[str, int | None] = {}
    start = threading.Barrier(len(agents))

    def take(agent) -> None:
        try:
            start.wait()
            entry = services.entry_next(campaign=campaign, agent=agent, now=NOW)
            got[agent.username] = entry.pk if entry else None
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert None not in got.values() and len(got) == 6
    assert len(set(got.values())) == 6
    held = CampaignEntry.objects.filter(campaign=campaign, status=EntryStatus.IN_PROGRESS)
    assert {e.locked_by.username: e.pk for e in held} == got
