"""The console pages: campaign list and detail with the funnel, loading a list, the call screen,
the export and the do-not-call list; who sees what."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kehu.knowledge.models import Article
from kehu.outbound import services
from kehu.outbound.models import Campaign, CampaignEntry, DoNotCall
from kehu.outbound.tests.conftest import load, make_campaign, phones
from kehu.surveys.models import Survey

pytestmark = pytest.mark.usefixtures("english")


def test_the_list_shows_an_agent_only_the_campaigns_they_work_in(web_as, carol, alice, amy) -> None:
    mine = make_campaign(carol, [alice], name="回访 A")
    make_campaign(carol, [amy], name="回访 B")
    page = web_as(alice).get(reverse("outbound:campaigns")).content.decode()
    assert "回访 A" in page and "回访 B" not in page and "New campaign" not in page
    assert f'href="{reverse("outbound:work", args=[mine.pk])}"' in page
    assert "回访 B" in web_as(carol).get(reverse("outbound:campaigns")).content.decode()


def test_a_campaign_outside_ones_reach_answers_404(web_as, carol, amy, alice, dave) -> None:
    campaign = make_campaign(carol, [amy])
    for user in (alice, dave):
        client = web_as(user)
        assert client.get(reverse("outbound:campaign", args=[campaign.pk])).status_code == 404
        assert client.get(reverse("outbound:work", args=[campaign.pk])).status_code == 404


def test_the_detail_page_shows_the_funnel_and_the_agents_rows(web_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(4))
    entry = services.entry_next(campaign=campaign, agent=alice)
    services.attempt_record(entry=entry, agent=alice, outcome="sale")
    page = web_as(carol).get(reverse("outbound:campaign", args=[campaign.pk])).content.decode()
    assert 'id="funnel-entries">4<' in page and 'id="funnel-success">1<' in page
    assert "echarts" in page and "Alice" in page and "Export to Excel" in page


def test_uploading_a_list_on_the_page_lists_the_rows_left_out(web_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    client = web_as(carol)
    upload = SimpleUploadedFile("list.csv", "姓名,手机\n王芳,13800138000\n李强,1234\n".encode(), "text/csv")
    response = client.post(reverse("outbound:campaign_upload", args=[campaign.pk]), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "1 entries added to the call list." in page
    assert 'id="problem-table"' in page and "<td>1234</td>" in page and "Not a phone number." in page
    assert CampaignEntry.objects.filter(campaign=campaign).count() == 1


def test_an_agent_cannot_load_a_list_or_export(web_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    client = web_as(alice)
    upload = SimpleUploadedFile("list.csv", b"phone\n13800138000\n", "text/csv")
    assert client.post(reverse("outbound:campaign_upload", args=[campaign.pk]), {"file": upload}).status_code == 403
    assert client.get(reverse("outbound:export", args=[campaign.pk])).status_code == 403


def test_the_export_downloads_a_workbook(web_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(3))
    response = web_as(carol).get(reverse("outbound:export", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(book["Entries"].iter_rows())) == 4


def test_the_call_screen_shows_the_script_the_survey_button_and_the_previous_attempts(web_as, carol, alice,
                                                                                        frank) -> None:
    script = Article.objects.create(kind="script", title="回访开场白", status="published",
                                    body="您好，我是客服中心的回访专员，耽误您两分钟。")
    survey = Survey.objects.create(name="满意度回访问卷", status="open", owner=frank)
    campaign = make_campaign(carol, [alice], kind="survey", script=script.pk, survey=survey.pk)
    load(campaign, carol, phones(1))
    client = web_as(alice)
    page = client.get(reverse("outbound:work", args=[campaign.pk])).content.decode()
    assert 'id="next-button"' in page and "您好，我是客服中心的回访专员" in page
    client.post(reverse("outbound:next", args=[campaign.pk]))
    page = client.get(reverse("outbound:work", args=[campaign.pk])).content.decode()
    assert phones(1)[0] in page and reverse("surveys:cati_start", args=[survey.pk]) in page
    assert "Not called yet." in page


def test_recording_an_outcome_on_the_page_and_a_bad_one_shows_the_reason(web_as, carol, alice) -> None:
    campaign = make_campaign(carol, [alice])
    load(campaign, carol, phones(1))
    client = web_as(alice)
    client.post(reverse("outbound:next", args=[campaign.pk]))
    entry = CampaignEntry.objects.get(campaign=campaign)
    response = client.post(reverse("outbound:attempt", args=[entry.pk]), {"outcome": "callback"}, follow=True)
    assert "Give the time to call back." in response.content.decode()
    response = client.post(reverse("outbound:attempt", args=[entry.pk]), {"outcome": "connected"}, follow=True)
    assert "Outcome recorded." in response.content.decode()
    assert CampaignEntry.objects.get(pk=entry.pk).status == "done"


def test_a_supervisor_creates_a_campaign_through_the_form(web_as, carol, alice) -> None:
    response = web_as(carol).post(reverse("outbound:campaign_create"), {
        "name": "春节问候", "kind": "care", "max_attempts": 2, "retry_minutes": 30, "call_from": "09:00",
        "call_until": "18:00", "weekdays": ["1", "2", "3"], "assignment": "even", "agents": [alice.pk]})
    campaign = Campaign.objects.get(name="春节问候")
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert campaign.weekdays == "123" and list(campaign.agents.all()) == [alice]
    bad = web_as(carol).post(reverse("outbound:campaign_create"), {
        "name": "x", "kind": "care", "max_attempts": 2, "retry_minutes": 30, "call_from": "18:00",
        "call_until": "09:00", "weekdays": ["1"], "assignment": "even"})
    assert bad.status_code == 200 and "The calling hours must end after they start." in bad.content.decode()


def test_the_do_not_call_page_adds_and_a_supervisor_removes(web_as, alice, carol) -> None:
    response = web_as(alice).post(reverse("outbound:dnc"), {"phone": "13800138000", "reason": "投诉"}, follow=True)
    assert "Added to the do-not-call list." in response.content.decode()
    assert "138****8000" in response.content.decode()
    bad = web_as(alice).post(reverse("outbound:dnc"), {"phone": "abc"})
    assert "This is not a phone number." in bad.content.decode()
    item = DoNotCall.objects.get()
    web_as(alice).post(reverse("outbound:dnc_remove", args=[item.pk]))
    assert DoNotCall.objects.exists()
    web_as(carol).post(reverse("outbound:dnc_remove", args=[item.pk]))
    assert not DoNotCall.objects.exists()


def test_the_campaign_list_costs_the_same_queries_for_two_campaigns_as_for_six(web_as, carol, alice) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web_as(carol)
    counts = []
    for n in (2, 6):
        while Campaign.objects.count() < n:
            campaign = make_campaign(carol, [alice], name=f"活动{Campaign.objects.count()}")
            load(campaign, carol, phones(2))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("outbound:campaigns")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
