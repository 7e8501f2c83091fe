"""The whole scoring flow: sample → score → submit → the agent appeals → the supervisor decides
→ the report shows the new score, with the old one kept in the history."""

from __future__ import annotations

from decimal import Decimal

from kehu.core.models import AuditEntry
from kehu.quality.models import Evaluation, EvaluationStatus, SamplingRule, ScoreRevision
from kehu.quality.reports import build_report
from kehu.quality.services import evaluations_sample
from kehu.quality.tests.conftest import MONDAY, WEEK, make_call


def _post_scores(evaluation: Evaluation, **overrides: str) -> dict[str, str]:
    data = {}
    for s in evaluation.item_scores.select_related("item"):
        value = overrides.get(s.item.name)
        data[f"item-{s.item_id}"] = value if value is not None else ("pass" if s.fatal else str(s.max_points))
    return data


def test_sample_score_submit_appeal_decide_and_report(form, amy, carol, english_web, english_api) -> None:
    SamplingRule.objects.create(name="每周抽检", form=form, per_agent=1)
    make_call(amy, at=MONDAY, talk_s=240)
    assert evaluations_sample(week=WEEK).created == 1
    evaluation = Evaluation.objects.get()

    # The supervisor finds it in the queue and scores it: 信息准确 12 of 20, 同理心 9 of 15 → 86 %.
    supervisor = english_web(carol)
    page = supervisor.get("/quality/")
    assert f"#{evaluation.pk}" in page.content.decode()
    response = supervisor.post(f"/quality/evaluations/{evaluation.pk}/remarks/", {"at": "01:25", "text": "未核实户号"})
    assert response.status_code == 302
    response = supervisor.post(f"/quality/evaluations/{evaluation.pk}/score/", {
        **_post_scores(evaluation, 信息准确="12", 同理心="9"), "comments": "电价解释有误", "submit": "1"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.score == Decimal("86.00")

    # The agent sees it with the remark and appeals through the API.
    agent_page = english_web(amy).get(f"/quality/evaluations/{evaluation.pk}/").content.decode()
    assert "01:25" in agent_page and "未核实户号" in agent_page and "86%" in agent_page
    response = english_api(amy).post(f"/api/quality/evaluations/{evaluation.pk}/appeal",
                                      {"reason": "电价是按最新文件解释的"})
    assert response.status_code == 200 and response.json()["status"] == "appealed"

    # The supervisor upholds it on the page: 信息准确 now 20 of 20 → 94 %.
    response = supervisor.post(f"/quality/evaluations/{evaluation.pk}/decide/", {
        **_post_scores(evaluation, 同理心="9"), "decision": "upheld", "note": "已核对 2026 年电价文件，解释正确"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.UPHELD and evaluation.score == Decimal("94.00")
    revision = ScoreRevision.objects.get(evaluation=evaluation)
    assert (revision.old_score, revision.new_score) == (Decimal("86.00"), Decimal("94.00"))
    assert any(i["name"] == "信息准确" and i["points"] == "12.0" for i in revision.old_items)

    # The report shows the new score; the history is on the page and in the audit log.
    report = build_report(carol, group="agent", weeks=[WEEK])
    assert [(r.label, r.total.count, r.total.average) for r in report.rows] == [("Amy", 1, 94.0)]
    page = supervisor.get("/quality/reports/", {"start": WEEK, "end": WEEK}).content.decode()
    assert "94" in page and "Amy" in page
    detail = supervisor.get(f"/quality/evaluations/{evaluation.pk}/").content.decode()
    assert "Score history" in detail and "86" in detail
    actions = list(AuditEntry.objects.filter(object_id=evaluation.pk, object_type="evaluation")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["quality.remark.added", "quality.evaluation.submitted", "quality.evaluation.appealed",
                       "quality.evaluation.appeal_upheld"]


def test_agent_acknowledges_and_a_rejected_appeal_keeps_the_score(form, amy, ben, carol, english_api) -> None:
    call_a, call_b = make_call(amy), make_call(ben)
    api = english_api(carol)
    items = [{"item": i.pk, **({"passed": True} if i.fatal else {"points": i.max_points})} for i in form.items.all()]
    first = api.post("/api/quality/evaluations", {"interaction": call_a.pk, "items": items}).json()
    second = api.post("/api/quality/evaluations", {"interaction": call_b.pk, "items": items}).json()
    assert first["score"] == "100.00" and first["status"] == "submitted"

    assert english_api(amy).post(f"/api/quality/evaluations/{first['id']}/acknowledge").json()["status"] == \
        "acknowledged"
    assert english_api(ben).post(f"/api/quality/evaluations/{second['id']}/appeal", {"reason": "不认同"}).status_code \
        == 200
    decided = api.post(f"/api/quality/evaluations/{second['id']}/appeal-decision",
                       {"decision": "rejected", "note": "评分符合标准"}).json()
    assert decided["status"] == "rejected" and decided["score"] == "100.00" and decided["revisions"] == []


def test_a_sampled_draft_is_scored_through_the_api(form, amy, carol, english_api) -> None:
    SamplingRule.objects.create(name="每周抽检", form=form, per_agent=1)
    make_call(amy)
    evaluations_sample(week=WEEK)
    draft = Evaluation.objects.get()
    api = english_api(carol)
    assert api.get("/api/quality/evaluations", status="draft").json()[0]["id"] == draft.pk
    items = [{"item": i.pk, **({"passed": False} if i.fatal else {"points": i.max_points})} for i in form.items.all()]
    response = api.post(f"/api/quality/evaluations/{draft.pk}/score", {"items": items, "comments": "辱骂客户"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["score"], body["fatal_failed"]) == ("submitted", "0.00", True)
    again = api.post(f"/api/quality/evaluations/{draft.pk}/score", {"items": items})
    assert again.status_code == 409 and "cannot be scored again" in again.json()["message"]
