"""Taking the next contact and recording outcomes: the retry rules, calling hours, leases,
the do-not-call list and who may work a campaign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.core.models import AuditEntry
from kehu.outbound import services
from kehu.outbound.models import Attempt, CampaignEntry, DoNotCall, EntryStatus
from kehu.outbound.tests.conftest import NOW, load, make_campaign, phones

MIN = dt.timedelta(minutes=1)


def take(campaign, agent, now=NOW) -> CampaignEntry:
    entry = services.entry_next(campaign=campaign, agent=agent, now=now)
    assert entry is not None
    return entry


def test_no_answer_comes_back_after_the_spacing_and_fails_after_the_last_attempt(carol, alice, amy) -> None:
    campaign = make_campaign(carol, [alice, amy], max_attempts=3, retry_minutes=60)
    load(campaign, carol, phones(1))
    now = NOW
    for attempt in (1, 2, 3):
        entry = take(campaign, alice, now)
        services.attempt_record(entry=entry, agent=alice, outcome="no_answer", now=now)
        entry.refresh_from_db()
        assert entry.attempts == attempt
        if attempt < 3:
            assert entry.status == EntryStatus.PENDING and entry.next_attempt_at == now + 60 * MIN
            assert services.entry_next(campaign=campaign, agent=amy, now=now + 59 * MIN) is None
            now += 60 * MIN
    assert entry.status == EntryStatus.FAILED and entry.last_outcome == "no_answer"
    assert services.entry_next(campaign=campaign, agent=amy, now=now + dt.timedelta(days=1)) is None


def test_busy_is_retried_like_no_answer(campaign, carol, alice) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    services.attempt_record(entry=entry, agent=alice, outcome="busy")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.next_attempt_at == NOW + 60 * MIN


@pytest.mark.parametrize(("outcome", "status"), [
    ("wrong_number", EntryStatus.FAILED), ("refused", EntryStatus.FAILED), ("connected", EntryStatus.DONE),
    ("sale", EntryStatus.DONE), ("appointment", EntryStatus.DONE), ("survey_completed", EntryStatus.DONE),
])
def test_final_outcomes_close_the_entry(campaign, carol, alice, outcome, status) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    services.attempt_record(entry=entry, agent=alice, outcome=outcome)
    entry.refresh_from_db()
    assert entry.status == status and entry.locked_by_id is None
    assert services.entry_next(campaign=campaign, agent=alice, now=NOW + dt.timedelta(days=2)) is None


def test_a_callback_returns_at_the_agreed_time_to_the_agent_who_agreed_it(campaign, carol, alice, amy) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, amy)
    at = NOW + dt.timedelta(hours=3)
    services.attempt_record(entry=entry, agent=amy, outcome="callback", callback_at=at, note="下午再打")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.next_attempt_at == at and entry.agent_id == amy.pk
    assert services.entry_next(campaign=campaign, agent=amy, now=at - MIN) is None
    assert services.entry_next(campaign=campaign, agent=alice, now=at + MIN) is None  # it is amy's
    assert take(campaign, amy, at + MIN).pk == entry.pk


def test_a_callback_needs_a_time_in_the_future(campaign, carol, alice, english) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    with pytest.raises(InvalidInput) as exc:
        services.attempt_record(entry=entry, agent=alice, outcome="callback")
    assert exc.value.errors == {"callback_at": "Give the time to call back."}
    with pytest.raises(InvalidInput) as exc:
        services.attempt_record(entry=entry, agent=alice, outcome="callback", callback_at=NOW - MIN)
    assert exc.value.errors == {"callback_at": "The time to call back must be in the future."}


def test_a_promise_to_pay_keeps_its_date_and_amount(carol, alice) -> None:
    campaign = make_campaign(carol, [alice], kind="payment")
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    with pytest.raises(InvalidInput):
        services.attempt_record(entry=entry, agent=alice, outcome="promised_to_pay")
    attempt = services.attempt_record(entry=entry, agent=alice, outcome="promised_to_pay",
                                      promised_pay_on=dt.date(2026, 11, 30), amount="1280.5")
    attempt.refresh_from_db()
    assert attempt.promised_pay_on == dt.date(2026, 11, 30) and attempt.amount == Decimal("1280.50")
    assert CampaignEntry.objects.get(pk=entry.pk).status == EntryStatus.DONE


def test_a_refusal_with_do_not_call_me_stops_the_number_in_every_campaign(carol, alice, amy) -> None:
    first = make_campaign(carol, [alice])
    second = make_campaign(carol, [amy], name="新品推荐")
    load(first, carol, ["13800138000"])
    load(second, carol, ["13800138000", "13900139000"])
    entry = take(first, alice)
    services.attempt_record(entry=entry, agent=alice, outcome="refused", do_not_call=True, note="别再打了")
    assert DoNotCall.objects.filter(phone_norm="13800138000").exists()
    assert CampaignEntry.objects.get(pk=entry.pk).status == EntryStatus.DNC
    other = CampaignEntry.objects.get(campaign=second, phone_norm="13800138000")
    assert other.status == EntryStatus.DNC
    # amy is only ever given the other number.
    assert take(second, amy).phone_norm == "13900139000"


def test_do_not_call_goes_only_with_a_refusal(campaign, carol, alice, english) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    with pytest.raises(InvalidInput) as exc:
        services.attempt_record(entry=entry, agent=alice, outcome="connected", do_not_call=True)
    assert "do_not_call" in exc.value.errors


def test_nothing_is_handed_out_outside_the_calling_hours(carol, alice, english) -> None:
    campaign = make_campaign(carol, [alice], call_from="09:00", call_until="20:00", weekdays="12345")
    load(campaign, carol, phones(1))
    evening = NOW.replace(hour=20, minute=30)  # Wednesday 20:30
    with pytest.raises(services.OutsideCallingHours) as exc:
        services.entry_next(campaign=campaign, agent=alice, now=evening)
    assert exc.value.message == "Outside the calling hours; calls resume at 2026-11-19 09:00."
    saturday = NOW + dt.timedelta(days=3)
    with pytest.raises(services.OutsideCallingHours) as exc:
        services.entry_next(campaign=campaign, agent=alice, now=saturday)
    assert exc.value.message.endswith("2026-11-23 09:00.")  # Monday
    assert take(campaign, alice, NOW.replace(hour=19, minute=59)).phone_norm == phones(1)[0]


def test_a_retry_that_would_fall_outside_the_calling_hours_waits_for_the_next_window(carol, alice) -> None:
    campaign = make_campaign(carol, [alice], retry_minutes=120, weekdays="12345")
    load(campaign, carol, phones(1))
    friday_evening = NOW.replace(hour=19) + dt.timedelta(days=2)  # Friday 19:00
    entry = take(campaign, alice, friday_evening)
    services.attempt_record(entry=entry, agent=alice, outcome="no_answer", now=friday_evening)
    entry.refresh_from_db()
    assert entry.next_attempt_at == NOW.replace(hour=9) + dt.timedelta(days=5)  # Monday 09:00


def test_an_agent_who_asks_again_gets_the_contact_they_hold(campaign, carol, alice) -> None:
    load(campaign, carol, phones(3))
    entry = take(campaign, alice)
    assert take(campaign, alice).pk == entry.pk
    assert CampaignEntry.objects.filter(status=EntryStatus.IN_PROGRESS).count() == 1


def test_an_abandoned_contact_returns_after_its_lease_and_its_first_taker_cannot_record_it(
        campaign, carol, alice, amy, english) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    assert services.entry_next(campaign=campaign, agent=amy, now=NOW + 9 * MIN) is None
    later = NOW + services.LEASE + MIN
    again = take(campaign, amy, later)
    assert again.pk == entry.pk and again.locked_by_id == amy.pk
    with pytest.raises(Conflict) as exc:
        services.attempt_record(entry=entry, agent=alice, outcome="sale", now=later)
    assert "not being called by you" in exc.value.message
    services.attempt_record(entry=again, agent=amy, outcome="sale", now=later)
    assert Attempt.objects.get().agent_id == amy.pk


def test_a_contact_given_back_is_due_again_at_once(campaign, carol, alice, amy) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    services.entry_release(entry=entry, agent=alice)
    assert take(campaign, amy).pk == entry.pk


def test_only_the_campaigns_agents_work_it_and_only_while_it_is_active(campaign, carol, alice, bob,
                                                                        english) -> None:
    load(campaign, carol, phones(2))
    with pytest.raises(NotAllowed):
        services.entry_next(campaign=campaign, agent=bob)
    services.campaign_set_status(campaign=campaign, by=carol, status="paused")
    with pytest.raises(Conflict) as exc:
        services.entry_next(campaign=campaign, agent=alice)
    assert exc.value.message == "This campaign is not active."


def test_every_attempt_is_audited(campaign, carol, alice) -> None:
    load(campaign, carol, phones(1))
    entry = take(campaign, alice)
    services.attempt_record(entry=entry, agent=alice, outcome="no_answer")
    audit = AuditEntry.objects.get(action="outbound.attempt.recorded")
    assert audit.actor_id == alice.pk and audit.object_id == entry.pk
    assert audit.changes == {"outcome": [None, "no_answer"], "status": ["in_progress", "pending"]}


def test_the_status_of_a_campaign_moves_only_forward(campaign, carol, english) -> None:
    services.campaign_set_status(campaign=campaign, by=carol, status="finished")
    with pytest.raises(InvalidInput) as exc:
        services.campaign_set_status(campaign=campaign, by=carol, status="active")
    assert exc.value.message == "A campaign cannot go from “Finished” to “Active”."
