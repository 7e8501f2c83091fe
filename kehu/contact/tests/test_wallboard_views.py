"""The wallboard page, its polled body and GET /api/wallboard: who may look and what they see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kehu.contact.models import AgentState, Interaction, Queue

WATCH_URLS = ["/contact/wallboard/", "/contact/wallboard/body/", "/contact/reports/", "/contact/reports/export/"]


@pytest.fixture
def floor(db, alice):
    now = timezone.now()
    hotline = Queue.objects.create(code="hotline", name="热线", service_level_s=20)
    Interaction.objects.create(queue=hotline, offered_at=now - dt.timedelta(seconds=40), external_id="w1")
    Interaction.objects.create(queue=hotline, agent=alice, offered_at=now - dt.timedelta(seconds=300),
                               answered_at=now - dt.timedelta(seconds=290), ended_at=now - dt.timedelta(seconds=100),
                               wait_s=10, talk_s=190, external_id="w2")
    AgentState.objects.create(agent=alice, state="on_call", at=now - dt.timedelta(seconds=290))
    return hotline


@pytest.mark.parametrize("who", ["carol", "frank", "root"])
def test_supervisors_managers_and_admins_see_the_wallboard(web_as, org, floor, who, english):
    html = web_as(org[who]).get("/contact/wallboard/").content.decode()
    tile = html.split('id="tile-waiting"', 1)[1][:200]
    assert "<strong>1</strong>" in tile
    assert "100.0%" in html.split('id="tile-service_level"', 1)[1][:200]
    assert 'hx-trigger="every 5s"' in html and "/contact/wallboard/body/" in html
    assert 'data-queue="hotline"' in html


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_agents_and_account_managers_get_403_on_pages_and_api(web_as, api_as, org, who):
    client = web_as(org[who])
    for url in WATCH_URLS:
        assert client.get(url).status_code == 403, url
    assert api_as(org[who]).get("/api/wallboard").status_code == 403
    assert api_as(org[who]).get("/api/contact/reports").status_code == 403


def test_without_a_login_the_pages_ask_for_one_and_the_api_for_a_token(client, org):
    for url in WATCH_URLS:
        assert client.get(url).status_code == 302
    assert client.get("/api/wallboard").status_code == 401


def test_the_polled_body_is_the_board_without_the_page(web_as, carol, floor, english):
    body = web_as(carol).get("/contact/wallboard/body/", {"queue": "hotline"}).content.decode()
    assert 'id="tile-waiting"' in body and "<html" not in body
    assert 'id="state-on_call"' in body and "<strong>1</strong>" in body.split('id="state-on_call"', 1)[1][:120]


def test_one_queue_and_an_unknown_queue(web_as, api_as, carol, floor, english):
    assert web_as(carol).get("/contact/wallboard/", {"queue": "hotline"}).status_code == 200
    assert web_as(carol).get("/contact/wallboard/", {"queue": "nope"}).status_code == 404
    answer = api_as(carol).get("/api/wallboard", queue="nope")
    assert answer.status_code == 422 and answer.json()["field"] == "queue"


def test_the_api_answers_with_snake_case_keys(api_as, carol, floor):
    body = api_as(carol).get("/api/wallboard").json()
    for key in ("offered", "answered", "abandoned", "waiting", "longest_wait_s", "service_level", "answer_rate",
                "abandon_rate", "asa_s", "aht_s", "occupancy", "agents_by_state", "queues"):
        assert key in body, key
    assert body["waiting"] == 1 and body["offered"] == 2 and body["aht_s"] == 190.0
    assert body["queues"][0]["code"] == "hotline"
    assert body["agents_by_state"]["on_call"] == 1


def test_the_wallboard_costs_a_fixed_number_of_queries(web_as, carol, floor, django_assert_max_num_queries):
    client = web_as(carol)
    client.get("/contact/wallboard/body/")
    with django_assert_max_num_queries(12):
        client.get("/contact/wallboard/body/")


def test_an_administrator_sets_a_queues_conventions_in_the_admin(client, root, floor):
    client.force_login(root)
    page = client.get(f"/admin/contact/queue/{floor.pk}/change/")
    assert page.status_code == 200 and b"abandon_rule" in page.content and b"waiting_alarm" in page.content


def test_tiles_and_queue_cells_carry_their_colour(web_as, carol, floor, english):
    floor.wait_warn_s, floor.wait_alarm_s = 10, 30
    floor.save(update_fields=["wait_warn_s", "wait_alarm_s"])
    html = web_as(carol).get("/contact/wallboard/", {"queue": "hotline"}).content.decode()
    assert 'id="tile-longest_wait" class="tile-alarm"' in html  # waiting 40 s ≥ 30 s
    assert 'id="tile-service_level" class="tile-ok"' in html
    row = html.split('data-queue="hotline"', 1)[1].split("</tr>", 1)[0]
    assert 'class="num tile-alarm">0:40<' in row
