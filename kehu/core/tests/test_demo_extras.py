"""`kehu demo` fills the contact center and the apps built on it, so their pages are not empty."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kehu.accounts.models import User
from kehu.accounts.services import token_create
from kehu.contact.models import AgentExtension, AgentState, Interaction, Queue
from kehu.fieldwork.models import ReportComment, Visit, WorkReport
from kehu.outbound.models import Attempt, Campaign, DoNotCall
from kehu.quality.models import Evaluation, EvaluationStatus, LibraryEntry
from kehu.sales.models import Lead, Opportunity, StageChange
from kehu.surveys.models import Response, Survey
from kehu.workforce.models import Forecast, ScheduleEntry, Shift

N = 40


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def _page(username: str, path: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(User.objects.get(username=username))
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.django_db
def test_every_part_of_the_demo_shows_data() -> None:
    out = _demo(customers=N, seed=5)
    for app in ("contact", "workforce", "quality", "outbound", "sales", "fieldwork", "surveys"):
        assert f"[{app}: " in out, out

    # Contact center: history, today's calls and a live floor on the supervisor's wallboard.
    assert Queue.objects.filter(name="综合咨询").exists() and Queue.objects.count() >= 3
    assert Interaction.objects.count() > 1000
    assert Interaction.objects.filter(abandoned=True).exists()
    assert Interaction.objects.filter(customer__isnull=False).exists()
    assert Interaction.objects.filter(ticket__isnull=False).exists()
    assert AgentExtension.objects.filter(user__username="agent").exists()
    assert AgentState.objects.filter(state="not_ready", reason="培训").exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=User.objects.get(username='supervisor'))}")
    board = api.get("/api/wallboard").json()
    assert board["offered"] > 0
    states = {a["state"] for a in board["agents"]}
    assert {"on_call", "ready", "not_ready"} <= states
    assert "综合咨询" in _page("supervisor", "/contact/wallboard/")

    # Workforce: shifts with breaks, this week's roster and a forecast of the main queue.
    assert Shift.objects.get(name="早班").slots.filter(kind="meeting_before").exists()
    assert ScheduleEntry.objects.filter(shift__isnull=False).count() >= 7
    forecast = Forecast.objects.get(queue__code="general")
    assert forecast.intervals.filter(agents__gt=0).exists()
    assert "综合咨询" in _page("supervisor", "/workforce/forecast/")
    roster = _page("supervisor", "/workforce/roster/")
    assert "陈静" in roster and "08:00" in roster

    # Quality: scored, acknowledged and appealed evaluations, and a library call.
    statuses = set(Evaluation.objects.values_list("status", flat=True))
    assert {EvaluationStatus.SUBMITTED, EvaluationStatus.ACKNOWLEDGED, EvaluationStatus.APPEALED} <= statuses
    assert LibraryEntry.objects.count() == 1
    appealed = Evaluation.objects.get(status=EvaluationStatus.APPEALED)
    assert appealed.agent.display_name in _page("manager", "/quality/")

    # Outbound: two active campaigns with call lists and calls made.
    care = Campaign.objects.get(kind="care", status="active")
    assert care.entries.count() >= N - 2
    assert Campaign.objects.filter(kind="payment", status="active").exists()
    assert Attempt.objects.count() > 5 and DoNotCall.objects.count() == 2
    assert care.name in _page("manager", "/outbound/campaigns/")

    # Sales: leads in several states, opportunities of both pipelines with their history.
    assert Lead.objects.count() >= 30 and Lead.objects.values("status").distinct().count() >= 3
    assert Opportunity.objects.values("pipeline").distinct().count() == 2
    assert StageChange.objects.filter(from_stage__isnull=False).exists()

    # Fieldwork: visits this week and yesterday's report with the supervisor's comment.
    assert Visit.objects.filter(status="recorded").exists() and Visit.objects.filter(status="planned").exists()
    report = WorkReport.objects.filter(author__username="rep1", kind="daily").get()
    assert report.status != "draft"
    assert ReportComment.objects.filter(report=report, by__username="supervisor").exists()
    planned = (Visit.objects.filter(rep__username="rep1", status="planned", planned_date=timezone.localdate())
               .select_related("customer").first())
    assert planned.customer.name in _page("rep1", "/fieldwork/visits/week/")

    # Surveys: an open survey with responses and its satisfaction figures.
    survey = Survey.objects.get(status="open")
    assert Response.objects.filter(survey=survey, status="completed").count() == 150
    assert survey.name in _page("manager", "/surveys/")


@pytest.mark.django_db
def test_no_customers_and_a_second_run_do_not_break() -> None:
    out = _demo(customers=0, seed=1)
    assert "outbound campaigns skipped" in out
    assert Interaction.objects.exists()  # the hotline rings without customers too
    again = _demo(customers=0, seed=1)
    assert "exist already" in again
    assert Campaign.objects.count() == 0
