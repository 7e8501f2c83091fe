"""The escalation chain each SLA policy chooses, with the clock frozen across National Day 2026.

Bob (east team, led by carol, his superior) takes a web inquiry on Wednesday 30 September at
16:00: first response due at 17:00 that day, resolution due 16:00 on Thursday 8 October, the
manager's level 240 minutes later at 20:00. Frank is the manager above the east team.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kehu.service.models import Escalation, SlaPolicy, Ticket
from kehu.service.services import sla_sweep, ticket_create

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_RESPONSE_BREACH = dt.datetime(2026, 9, 30, 17, 1, tzinfo=SHANGHAI)
RESOLUTION_BREACH = dt.datetime(2026, 10, 8, 16, 0, tzinfo=SHANGHAI)
MANAGER_DUE = dt.datetime(2026, 10, 8, 20, 0, tzinfo=SHANGHAI)
MUCH_LATER = dt.datetime(2026, 10, 9, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def policy(db) -> SlaPolicy:
    """The inquiry policy: first response within 60 working minutes, resolution within 8 hours."""
    SlaPolicy.objects.filter(kind="inquiry").update(first_response_minutes=60, resolution_minutes=480)
    return SlaPolicy.objects.get(kind="inquiry")


def choose(policy: SlaPolicy, **fields: object) -> SlaPolicy:
    """Set the chain the way the admin does: validate, then save."""
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy


def web_request(by) -> Ticket:
    with time_machine.travel(dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI), tick=False):
        return ticket_create(by=by, data={"kind": "inquiry", "channel": "web", "title": "网上咨询",
                                          "description": "怎么办理过户"})[0]


def received(ticket: Ticket) -> dict[tuple[str, int], str | None]:
    """(target, level) → username of whom each escalation of the ticket reached."""
    return {(e.target, e.level): e.to_user.username if e.to_user else None
            for e in Escalation.objects.filter(ticket=ticket).select_related("to_user")}


def flags(ticket: Ticket) -> tuple[bool, bool, int]:
    ticket.refresh_from_db()
    return ticket.first_response_breached, ticket.resolution_breached, ticket.escalation_level


def test_a_new_policy_keeps_todays_chain(policy, bob):
    assert (policy.escalate_first_to, policy.escalate_first_user, policy.escalate_again_to,
            policy.escalate_again_user, policy.escalate_again_minutes) == ("team_leader", None, "manager", None, 240)
    ticket = web_request(bob)
    sla_sweep(now=MUCH_LATER)
    assert received(ticket) == {("first_response", 1): "carol", ("resolution", 1): "carol",
                                ("resolution", 2): "frank"}


def test_level_one_to_the_manager_above_the_team(policy, bob):
    choose(policy, escalate_first_to="manager")
    ticket = web_request(bob)
    assert sla_sweep(now=FIRST_RESPONSE_BREACH).first_response_breached == 1
    assert received(ticket) == {("first_response", 1): "frank"}
    sla_sweep(now=MANAGER_DUE)
    assert received(ticket) == {("first_response", 1): "frank", ("resolution", 1): "frank",
                                ("resolution", 2): "frank"}


def test_each_ticket_follows_its_own_policy_in_one_sweep(policy, bob, erin):
    choose(policy, escalate_first_to="manager")
    mine, default = web_request(bob), web_request(erin)
    Ticket.objects.filter(pk=default.pk).update(sla_policy=SlaPolicy.objects.create(
        name="默认链", first_response_minutes=60, resolution_minutes=480))
    assert sla_sweep(now=FIRST_RESPONSE_BREACH).first_response_breached == 2
    assert received(mine) == {("first_response", 1): "frank"}
    assert received(default) == {("first_response", 1): "carol"}


def test_level_one_to_a_named_user(policy, bob, dave):
    choose(policy, escalate_first_to="user", escalate_first_user=dave)
    ticket = web_request(bob)
    sla_sweep(now=MUCH_LATER)
    assert received(ticket) == {("first_response", 1): "dave", ("resolution", 1): "dave",
                                ("resolution", 2): "frank"}


def test_level_one_to_nobody_still_flags_the_breach_and_reaches_the_manager_later(policy, bob):
    choose(policy, escalate_first_to="nobody")
    ticket = web_request(bob)
    result = sla_sweep(now=FIRST_RESPONSE_BREACH)
    assert result.first_response_breached == 1
    assert received(ticket) == {}
    assert flags(ticket) == (True, False, 1)
    assert sla_sweep(now=RESOLUTION_BREACH).resolution_breached == 1
    assert received(ticket) == {}
    assert sla_sweep(now=MANAGER_DUE).escalated_to_manager == 1
    assert received(ticket) == {("resolution", 2): "frank"}
    assert flags(ticket) == (True, True, 2)


def test_level_two_to_a_named_user(policy, bob, dave):
    choose(policy, escalate_again_to="user", escalate_again_user=dave)
    ticket = web_request(bob)
    sla_sweep(now=RESOLUTION_BREACH)
    assert sla_sweep(now=MANAGER_DUE).escalated_to_manager == 1
    assert received(ticket)[("resolution", 2)] == "dave"


def test_level_two_to_nobody_stops_at_the_team_leader(policy, bob):
    choose(policy, escalate_again_to="nobody")
    ticket = web_request(bob)
    result = sla_sweep(now=MUCH_LATER)
    assert (result.first_response_breached, result.resolution_breached, result.escalated_to_manager) == (1, 1, 0)
    assert received(ticket) == {("first_response", 1): "carol", ("resolution", 1): "carol"}
    assert flags(ticket) == (True, True, 2)


def test_nobody_at_both_levels_writes_no_escalation(policy, bob):
    choose(policy, escalate_first_to="nobody", escalate_again_to="nobody")
    ticket = web_request(bob)
    sla_sweep(now=RESOLUTION_BREACH)
    sla_sweep(now=MANAGER_DUE)
    assert received(ticket) == {}
    assert flags(ticket) == (True, True, 2)


def test_a_second_sweep_changes_nothing(policy, bob, erin, dave):
    choose(policy, escalate_first_to="nobody", escalate_again_to="user", escalate_again_user=dave)
    web_request(bob)
    other = web_request(erin)
    Ticket.objects.filter(pk=other.pk).update(sla_policy=None)  # no policy: today's chain
    first = sla_sweep(now=MUCH_LATER)
    again = sla_sweep(now=MUCH_LATER)
    assert (first.first_response_breached, first.resolution_breached, first.escalated_to_manager) == (2, 2, 2)
    assert (again.first_response_breached, again.resolution_breached, again.escalated_to_manager) == (0, 0, 0)
    assert sorted(Escalation.objects.values_list("level", "to_user__username")) == \
        [(1, "carol"), (1, "carol"), (2, "dave"), (2, "frank")]


def test_a_named_user_who_left_falls_back_to_the_default(policy, bob, dave):
    choose(policy, escalate_first_to="user", escalate_first_user=dave,
           escalate_again_to="user", escalate_again_user=dave)
    dave.is_active = False
    dave.save(update_fields=["is_active"])
    ticket = web_request(bob)
    sla_sweep(now=MUCH_LATER)
    assert received(ticket) == {("first_response", 1): "carol", ("resolution", 1): "carol",
                                ("resolution", 2): "frank"}


def test_a_named_user_is_required(policy, english):
    policy.escalate_first_to = policy.escalate_again_to = "user"
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert error.value.message_dict == {"escalate_first_user": ["Choose the user to escalate to."],
                                        "escalate_again_user": ["Choose the user to escalate to."]}


def test_the_named_user_must_be_active(policy, dave, english):
    dave.is_active = False
    dave.save(update_fields=["is_active"])
    policy.escalate_again_to, policy.escalate_again_user = "user", dave
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert error.value.message_dict == {
        "escalate_again_user": ["Dave is no longer active; choose an active user."]}


def test_a_user_without_the_named_user_choice_is_dropped(policy, dave):
    choose(policy, escalate_first_to="manager", escalate_first_user=dave)
    policy.refresh_from_db()
    assert policy.escalate_first_user is None


def test_the_ticket_page_shows_the_chain(web_as, policy, bob, dave, english):
    choose(policy, escalate_first_to="user", escalate_first_user=dave)
    ticket = web_request(bob)
    page = web_as(bob).get(ticket.get_absolute_url()).content.decode()
    assert "Escalates to" in page and "Dave, then the manager" in page
    choose(policy, escalate_first_to="nobody", escalate_again_to="nobody")
    assert '<dd class="sla-chain">nobody</dd>' in web_as(bob).get(ticket.get_absolute_url()).content.decode()


def admin_form(policy: SlaPolicy, **changes: object) -> dict[str, object]:
    data = {"name": policy.name, "kind": policy.kind, "grade": "", "tier": "",
            "first_response_minutes": policy.first_response_minutes, "resolution_minutes": policy.resolution_minutes,
            "clock": policy.clock, "warn_percent": policy.warn_percent,
            "escalate_first_to": "team_leader", "escalate_first_user": "",
            "escalate_again_to": "manager", "escalate_again_user": "", "escalate_again_minutes": 240,
            "_save": "Save"}
    data.update(changes)
    return data


def test_the_admin_edits_the_chain(web_as, policy, root, dave, english):
    client = web_as(root)
    url = f"/admin/service/slapolicy/{policy.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Escalation on breach" in page.content.decode()
    refused = client.post(url, admin_form(policy, escalate_first_to="user"))
    assert refused.status_code == 200 and "Choose the user to escalate to." in refused.content.decode()
    saved = client.post(url, admin_form(policy, escalate_again_to="user", escalate_again_user=dave.pk,
                                        escalate_again_minutes=60))
    assert saved.status_code == 302
    policy.refresh_from_db()
    assert (policy.escalate_again_to, policy.escalate_again_user, policy.escalate_again_minutes) == ("user", dave, 60)
