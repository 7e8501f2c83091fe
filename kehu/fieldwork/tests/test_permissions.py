"""Who sees what: a rep their own, a supervisor the team's, managers and admins everyone's."""

from __future__ import annotations

from django.utils import timezone

from kehu.fieldwork import services
from kehu.fieldwork.models import Target, Visit, WorkReport
from kehu.fieldwork.tests.conftest import make_customer, plan


def _world(bob, erin, dave, carol):
    visits = {u.username: plan(u, make_customer(u, f"{u.username}的客户")) for u in (bob, erin, dave)}
    reports = {u.username: services.report_draft(author=u, kind="daily", day=timezone.localdate())
               for u in (bob, erin, dave)}
    services.target_set(by=carol, rep=bob, data={"visits": 1})
    services.target_set(by=carol, rep=erin, data={"visits": 1})
    return visits, reports


def _names(qs, field):
    return sorted(qs.values_list(f"{field}__username", flat=True))


def test_querysets_scope_each_role(bob, erin, dave, carol, frank, root, alice):
    _world(bob, erin, dave, carol)
    services.target_set(by=frank, rep=dave, data={"visits": 1})
    assert _names(Visit.objects.visible_to(bob), "rep") == ["bob"]
    assert _names(Visit.objects.visible_to(carol), "rep") == ["bob", "erin"]
    assert _names(Visit.objects.visible_to(frank), "rep") == ["bob", "dave", "erin"]
    assert _names(Visit.objects.visible_to(root), "rep") == ["bob", "dave", "erin"]
    assert _names(Visit.objects.visible_to(alice), "rep") == []
    assert _names(WorkReport.objects.visible_to(erin), "author") == ["erin"]
    assert _names(WorkReport.objects.visible_to(carol), "author") == ["bob", "erin"]
    assert _names(WorkReport.objects.visible_to(frank), "author") == ["bob", "dave", "erin"]
    assert _names(Target.objects.visible_to(dave), "rep") == ["dave"]
    assert _names(Target.objects.visible_to(carol), "rep") == ["bob", "erin"]


def test_pages_outside_the_scope_answer_404(bob, erin, dave, carol, web_as):
    visits, reports = _world(bob, erin, dave, carol)
    client = web_as(bob)
    assert client.get(f"/fieldwork/visits/{visits['erin'].pk}/").status_code == 404
    assert client.post(f"/fieldwork/visits/{visits['erin'].pk}/check-in/").status_code == 404
    assert client.get(f"/fieldwork/reports/{reports['erin'].pk}/").status_code == 404
    assert client.post(f"/fieldwork/reports/{reports['erin'].pk}/submit/").status_code == 404
    carol_client = web_as(carol)
    assert carol_client.get(f"/fieldwork/visits/{visits['bob'].pk}/").status_code == 200
    assert carol_client.get(f"/fieldwork/reports/{reports['dave'].pk}/").status_code == 404


def test_api_lists_only_what_the_caller_may_see(bob, erin, dave, carol, frank, api_as):
    visits, reports = _world(bob, erin, dave, carol)
    assert {v["rep"]["username"] for v in api_as(carol).get("/api/fieldwork/visits").json()} == {"bob", "erin"}
    assert {v["rep"]["username"] for v in api_as(bob).get("/api/fieldwork/visits").json()} == {"bob"}
    assert {r["author"]["username"] for r in api_as(frank).get("/api/fieldwork/reports").json()} == {
        "bob", "erin", "dave"}
    assert api_as(bob).get(f"/api/fieldwork/visits/{visits['dave'].pk}").status_code == 404
    assert api_as(dave).get(f"/api/fieldwork/reports/{reports['bob'].pk}").status_code == 404
    assert {t["rep"]["username"] for t in api_as(bob).get("/api/fieldwork/targets").json()} == {"bob"}
