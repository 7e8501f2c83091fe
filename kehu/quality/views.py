"""Console pages of quality monitoring: the scoring queue, the scoring page, my evaluations,
reports and the coaching library. Every page starts from the scoped querysets and calls
one service; a refused step is a message on the page, never an error page.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.contact.models import Interaction
from kehu.core.errors import Conflict, InvalidInput, ServiceError
from kehu.core.schemas import MAX_ID
from kehu.quality import services
from kehu.quality.models import Evaluation, EvaluationStatus, LibraryEntry
from kehu.quality.querysets import is_evaluator, sees_all
from kehu.quality.reports import (
    GROUPS,
    build_report,
    chart_data,
    default_weeks,
    week_range,
    write_workbook,
)
from kehu.service.models import Ticket

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RELATED = ("agent", "evaluator", "form", "interaction", "interaction__queue", "ticket", "team")


def _evaluation(request: HttpRequest, evaluation_id: int) -> Evaluation:
    qs = Evaluation.objects.visible_to(request.user).select_related(*RELATED, "decided_by")
    return get_object_or_404(qs, pk=min(evaluation_id, MAX_ID))


def _back(evaluation: Evaluation, anchor: str = "") -> HttpResponse:
    return redirect(evaluation.get_absolute_url() + anchor)


def _refused(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, "; ".join([exc.message, *exc.errors.values()]) if exc.errors else exc.message)


def _items_from_post(request: HttpRequest, evaluation: Evaluation) -> list[dict[str, Any]]:
    """The scoring table's inputs: item-<id> (points, or pass/fail) and comment-<id>."""
    items = []
    for score in evaluation.item_scores.all():
        value = request.POST.get(f"item-{score.item_id}", "")
        items.append({"item": score.item_id, "comment": request.POST.get(f"comment-{score.item_id}", ""),
                      "passed" if score.fatal else "points": value})
    return items


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """What an evaluator has to do: evaluations to score and appeals to decide."""
    user = request.user
    if not is_evaluator(user):
        return redirect("quality:mine")
    base = Evaluation.objects.select_related(*RELATED).order_by("week", "id")
    return render(request, "quality/queue.html", {
        "to_do": list(base.to_do_for(user)[:PAGE_SIZE]),
        "appeals": list(base.appeals_for(user)[:PAGE_SIZE]),
        "recent": list(Evaluation.objects.scorable_by(user).filter(status=EvaluationStatus.SUBMITTED)
                       .select_related(*RELATED).order_by("-submitted_at")[:20]),
        "may_sample": sees_all(user), "this_week": default_weeks(count=1)[1],
    })


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Score a call (by its id) or a ticket (by its number) that sampling did not pick."""
    raw_call, number = request.POST.get("interaction", "").strip(), request.POST.get("ticket", "").strip()
    interaction = ticket = None
    if raw_call:
        interaction = Interaction.objects.filter(pk=int(raw_call) if raw_call.isdigit() and len(raw_call) < 18
                                                 else 0).select_related("agent").first()
    elif number:
        ticket = Ticket.objects.filter(number=number[:20]).select_related("assignee").first()
    if interaction is None and ticket is None:
        messages.error(request, _("No call or ticket with that number."))
        return redirect("quality:queue")
    try:
        evaluation = services.evaluation_create(by=request.user, interaction=interaction, ticket=ticket)
    except Conflict as exc:
        messages.info(request, exc.message)
        if exc.existing_id and Evaluation.objects.visible_to(request.user).filter(pk=exc.existing_id).exists():
            return redirect("quality:evaluation", exc.existing_id)
        return redirect("quality:queue")
    except ServiceError as exc:
        _refused(request, exc)
        return redirect("quality:queue")
    return _back(evaluation)


@login_required
@require_POST
def sample(request: HttpRequest) -> HttpResponse:
    if not sees_all(request.user):
        raise Http404
    try:
        result = services.evaluations_sample(week=request.POST.get("week", ""), by=request.user)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Week %(week)s: %(count)s evaluations created.")
                         % {"week": result.week, "count": result.created})
    return redirect("quality:queue")


def _score_rows(evaluation: Evaluation, errors: dict[str, str], posted: Any) -> list[dict[str, Any]]:
    """Each item with the value to show: what was typed when the form came back, else the saved one."""
    rows = []
    for score in evaluation.item_scores.select_related("item"):
        key = f"item-{score.item_id}"
        saved = ("" if score.passed is None else "pass" if score.passed else "fail") if score.fatal else (
            "" if score.points is None else f"{score.points.normalize():f}")
        rows.append({"s": score, "key": key, "error": errors.get(key, ""),
                     "value": posted.get(key, saved) if posted else saved,
                     "comment": posted.get(f"comment-{score.item_id}", score.comment) if posted else score.comment})
    return rows


def _detail_context(request: HttpRequest, evaluation: Evaluation, errors: dict[str, str] | None = None,
                    posted: Any = None, problem: str = "") -> dict[str, Any]:
    user = request.user
    scorable = Evaluation.objects.scorable_by(user).filter(pk=evaluation.pk).exists()
    interaction = evaluation.interaction
    in_library = interaction is not None and LibraryEntry.objects.filter(interaction=interaction).exists()
    return {
        "e": evaluation, "rows": _score_rows(evaluation, errors or {}, posted),
        "remarks": list(evaluation.remarks.select_related("by")),
        "revisions": list(evaluation.revisions.select_related("by")),
        "can_score": scorable and evaluation.status == EvaluationStatus.DRAFT,
        "can_remark": scorable and evaluation.status in (EvaluationStatus.DRAFT, EvaluationStatus.APPEALED),
        "can_decide": scorable and evaluation.status == EvaluationStatus.APPEALED,
        "is_agent": evaluation.agent_id == user.pk and evaluation.status == EvaluationStatus.SUBMITTED,
        "can_add_to_library": (is_evaluator(user) and interaction is not None and bool(interaction.recording_url)
                               and not in_library and evaluation.status != EvaluationStatus.DRAFT),
        "in_library": in_library, "errors": errors or {}, "posted": posted or {}, "problem": problem,
    }


@login_required
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    return render(request, "quality/evaluation.html", _detail_context(request, evaluation))


@login_required
@require_POST
def evaluation_score(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    submit = "submit" in request.POST
    try:
        services.evaluation_score(evaluation=evaluation, by=request.user, items=_items_from_post(request, evaluation),
                                  comments=request.POST.get("comments", ""), submit=submit)
    except InvalidInput as exc:
        context = _detail_context(request, evaluation, exc.errors, request.POST, exc.message)
        return render(request, "quality/evaluation.html", context, status=422)
    except ServiceError as exc:
        _refused(request, exc)
        return _back(evaluation)
    messages.success(request, _("Evaluation submitted to the agent.") if submit else _("Draft saved."))
    return redirect("quality:queue") if submit else _back(evaluation)


@login_required
@require_POST
def remark(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    try:
        services.remark_add(evaluation=evaluation, by=request.user, at=request.POST.get("at", ""),
                            text=request.POST.get("text", ""))
    except ServiceError as exc:
        _refused(request, exc)
    return _back(evaluation, "#remarks")


@login_required
@require_POST
def acknowledge(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    try:
        services.evaluation_acknowledge(evaluation=evaluation, by=request.user)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("You acknowledged the evaluation."))
    return _back(evaluation)


@login_required
@require_POST
def appeal(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    try:
        services.evaluation_appeal(evaluation=evaluation, by=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Your appeal was sent to your supervisor."))
    return _back(evaluation)


@login_required
@require_POST
def decide(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    upheld = request.POST.get("decision") == "upheld"
    try:
        services.evaluation_decide(evaluation=evaluation, by=request.user, upheld=upheld,
                                   note=request.POST.get("note", ""),
                                   items=_items_from_post(request, evaluation) if upheld else None)
    except InvalidInput as exc:
        context = _detail_context(request, evaluation, exc.errors, request.POST, exc.message)
        return render(request, "quality/evaluation.html", context, status=422)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Appeal upheld; the score was changed.") if upheld else _("Appeal rejected."))
    return _back(evaluation)


@login_required
@require_POST
def add_to_library(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = _evaluation(request, evaluation_id)
    if evaluation.interaction is None:
        raise Http404
    try:
        services.library_add(by=request.user, interaction=evaluation.interaction, evaluation=evaluation,
                             note=request.POST.get("note", ""), tags=request.POST.get("tags", ""),
                             title=request.POST.get("title", ""))
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Added to the coaching library."))
    return _back(evaluation)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The agent's own evaluations: acknowledge or appeal what was submitted."""
    rows = (Evaluation.objects.visible_to(request.user).filter(agent=request.user)
            .select_related(*RELATED).order_by("-submitted_at", "-id")[:PAGE_SIZE])
    return render(request, "quality/mine.html", {"rows": rows})


def _report_params(request: HttpRequest) -> tuple[dict[str, str], list[str], str]:
    first, last = default_weeks()
    params = {"group": request.GET.get("group", "agent"), "start": request.GET.get("start", "")[:10] or first,
              "end": request.GET.get("end", "")[:10] or last}
    if params["group"] not in GROUPS:
        params["group"] = "agent"
    try:
        weeks = week_range(params["start"], params["end"])
    except ServiceError as exc:
        return params, [], exc.message
    if not weeks:
        return params, [], _("The first week comes after the last.")
    return params, weeks, ""


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    params, weeks, problem = _report_params(request)
    report = build_report(request.user, group=params["group"], weeks=weeks) if weeks else None
    return render(request, "quality/reports.html", {
        "params": params, "problem": problem, "report": report,
        "rows": [(r, r.cells(report.weeks)) for r in report.rows] if report else [],
        "chart": chart_data(report) if report and report.rows else None,
        "groups": [("agent", _("Agent")), ("team", _("Team")), ("item", _("Item"))],
        "export_url": f"{reverse('quality:reports_export')}?{request.GET.urlencode()}",
    }, status=400 if problem else 200)


@login_required
def reports_export(request: HttpRequest) -> HttpResponse:
    params, weeks, problem = _report_params(request)
    if problem:
        messages.error(request, problem)
        return redirect("quality:reports")
    report = build_report(request.user, group=params["group"], weeks=weeks)
    name = f"quality-{params['group']}-{weeks[0]}-{weeks[-1]}.xlsx"
    return FileResponse(io.BytesIO(write_workbook(report)), as_attachment=True, filename=name, content_type=XLSX)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The best recordings, for new agents to hear and learn from."""
    tag, q = request.GET.get("tag", "")[:20].strip(), request.GET.get("q", "")[:100].strip()
    qs = LibraryEntry.objects.visible_to(request.user).tagged(tag).select_related(
        "interaction", "interaction__agent", "interaction__queue", "added_by")
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(note__icontains=q)
    entries = list(qs[:PAGE_SIZE])
    tags = sorted({t for e in LibraryEntry.objects.visible_to(request.user).only("tags_text") for t in e.tags})
    return render(request, "quality/library.html", {"entries": entries, "tag": tag, "q": q, "tags": tags})
