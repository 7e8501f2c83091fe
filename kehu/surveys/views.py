"""Survey pages: the builder, the public answer page, the CATI screen, the results."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.surveys import logic, services
from kehu.surveys.export import export_responses
from kehu.surveys.forms import QuestionForm, SampleForm, SurveyForm, TicketRuleForm, raw_answers
from kehu.surveys.metrics import survey_metrics
from kehu.surveys.models import (
    Invitation,
    Response,
    ResponseChannel,
    ResponseStatus,
    Survey,
    TicketSurveyRule,
)
from kehu.surveys.querysets import is_designer


def _survey(request: HttpRequest, pk: int, *, edit: bool = False) -> Survey:
    qs = Survey.objects.editable_by(request.user) if edit else Survey.objects.visible_to(request.user)
    return get_object_or_404(qs, pk=pk)


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


# --- builder ---------------------------------------------------------------------------------

@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.visible_to(request.user).select_related("owner")
    return render(request, "surveys/list.html", {"surveys": surveys, "designer": is_designer(request.user),
                                                 "form": SurveyForm()})


@login_required
@require_POST
def survey_new(request: HttpRequest) -> HttpResponse:
    if not is_designer(request.user):
        return HttpResponseForbidden(_("Only supervisors, managers and administrators design surveys."))
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A survey needs a name."))
        return redirect("surveys:list")
    survey = services.survey_create(by=request.user, **form.cleaned_data)
    return redirect(survey)


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _survey(request, pk), QuestionForm())


def _detail(request: HttpRequest, survey: Survey, question_form: QuestionForm, status: int = 200) -> HttpResponse:
    """The survey page: questions of the version in preparation (else the published one),
    the builder, distribution and scores for designers."""
    designer = is_designer(request.user)
    draft, published = survey.draft(), survey.published()
    shown = draft or published
    return render(request, "surveys/detail.html", {
        "survey": survey, "draft": draft, "published": published, "designer": designer,
        "sections": _sections(shown.definition if shown else {}, _language()),
        "question_form": question_form, "codes": list(logic.question_map(shown.definition)) if shown else [],
        "public_link": request.build_absolute_uri(survey.public_url()),
        "metrics": survey_metrics(survey) if designer else None,
        "rule_form": TicketRuleForm(), "rules": survey.ticket_rules.all() if designer else [],
        "sample_form": SampleForm(initial={"seed": 0}),
    }, status=status)


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(survey=survey, by=request.user, question=form.question(),
                                  section=form.cleaned_data["section"])
            messages.success(request, _("Question added."))
            return redirect(survey)
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return _detail(request, survey, form, status=422)


@login_required
@require_POST
def question_change(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            services.question_remove(survey=survey, by=request.user, code=code)
        elif action in ("up", "down"):
            services.question_move(survey=survey, by=request.user, code=code, step=-1 if action == "up" else 1)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


@login_required
@require_POST
def survey_state(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    try:
        if request.POST.get("action") == "publish":
            version = services.survey_publish(survey=survey, by=request.user)
            messages.success(request, _("Version %(n)s is published and open for answers.") % {"n": version.number})
        elif request.POST.get("action") == "close":
            services.survey_close(survey=survey, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    addresses = request.POST.get("addresses", "").replace(",", "\n").replace("，", "\n").splitlines()
    try:
        sent, refused = services.invitations_by_email(survey=survey, by=request.user, addresses=addresses[:5000])
        messages.success(request, _("%(n)s invitations sent.") % {"n": sent})
        if refused:
            messages.error(request, _("Not e-mail addresses: %(list)s") % {"list": ", ".join(refused[:20])})
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(survey)


@login_required
@require_POST
def ticket_rule(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    if request.POST.get("action") == "remove":
        survey.ticket_rules.filter(pk=request.POST.get("rule", "0")[:18] or 0).delete()
        return redirect(survey)
    form = TicketRuleForm(request.POST)
    if form.is_valid():
        TicketSurveyRule.objects.create(survey=survey, **form.cleaned_data)
        messages.success(request, _("Customers will be invited after their tickets close."))
    else:
        messages.error(request, _("Please check the invitation rule: %(errors)s") % {
            "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())})
    return redirect(survey)


@login_required
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    version = survey.draft() or survey.published()
    answers = raw_answers(version.definition, request.POST) if request.method == "POST" else {}
    visible, ended = logic.flow(version.definition, answers)
    return render(request, "surveys/answer.html", {
        "survey": survey, "preview": True, "questions": _shown(visible, answers, _language()), "ended": ended,
        "errors": {}, "action": request.path,
    })


@login_required
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    import segno

    survey = _survey(request, pk)
    out = io.BytesIO()
    segno.make(request.build_absolute_uri(survey.public_url()), error="m").save(out, kind="svg", scale=6)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


# --- answering (public, no login) ------------------------------------------------------------

def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public page: a survey's link (a new response per visitor) or an invitation's own."""
    invitation = Invitation.objects.select_related("survey").filter(token=token).first()
    survey = invitation.survey if invitation else Survey.objects.filter(public_token=token).first()
    if survey is None:
        raise Http404
    try:
        response = _visitor_response(request, survey, invitation, token)
    except ServiceError as exc:
        return render(request, "surveys/closed.html", {"survey": survey, "message": exc.message}, status=exc.status)
    if response.status != ResponseStatus.IN_PROGRESS:
        return render(request, "surveys/thanks.html", {"survey": survey, "response": response})
    definition = response.version.definition
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = services.response_answer(response=response, raw=raw_answers(definition, request.POST))
        if request.POST.get("action") == "submit" and not errors:
            try:
                services.response_finish(response=response)
                return render(request, "surveys/thanks.html", {"survey": survey, "response": response})
            except ServiceError as exc:
                errors = exc.errors or {"": exc.message}
    answers = response.answer_dict()
    visible, ended = logic.flow(definition, answers)
    return render(request, "surveys/answer.html", {
        "survey": survey, "questions": _shown(visible, answers, response.language, errors), "ended": ended,
        "errors": errors, "form_error": errors.get("", ""), "action": request.path,
    }, status=422 if errors and request.POST.get("action") == "submit" else 200)


def _visitor_response(request: HttpRequest, survey: Survey, invitation: Invitation | None, token: str) -> Response:
    key = f"survey-response-{token}"
    rid = request.session.get(key)
    response = Response.objects.select_related("version").filter(pk=rid, survey=survey).first() if rid else None
    if response is None:
        response = services.response_start(survey=survey, invitation=invitation, language=_language())
        request.session[key] = response.pk
    return response


# --- CATI ------------------------------------------------------------------------------------

@login_required
@require_POST
def cati_start(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        response = services.response_start(survey=survey, channel=ResponseChannel.CATI, agent=request.user,
                                           language=_language())
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(survey)
    return redirect("surveys:cati", pk=response.pk)


@login_required
def cati(request: HttpRequest, pk: int) -> HttpResponse:
    """The interviewer's screen: one question at a time, skip logic applied."""
    response = get_object_or_404(Response.objects.select_related("survey", "version"), pk=pk,
                                 channel=ResponseChannel.CATI)
    if response.agent_id != request.user.pk and not is_designer(request.user):
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST" and response.status == ResponseStatus.IN_PROGRESS:
        action = request.POST.get("action", "next")
        try:
            if action in (ResponseStatus.REFUSED, ResponseStatus.CALLBACK):
                when = parse_datetime(request.POST.get("callback_at", "") or "")
                services.response_disposition(response=response, by=request.user, disposition=action,
                                              callback_at=when)
                return redirect("surveys:cati", pk=response.pk)
            definition = response.version.definition
            errors = services.response_answer(response=response, raw=raw_answers(definition, request.POST))
            if not errors:
                if logic.next_question(definition, response.answer_dict()) is None:
                    services.response_finish(response=response)  # the last answer ends the interview
                return redirect("surveys:cati", pk=response.pk)
        except ServiceError as exc:
            errors = {"": exc.message}
    definition = response.version.definition
    answers = response.answer_dict()
    question = logic.next_question(definition, answers) if response.status == ResponseStatus.IN_PROGRESS else None
    if response.status == ResponseStatus.IN_PROGRESS and question is None:
        try:
            services.response_finish(response=response)
        except ServiceError as exc:
            errors = exc.errors or {"": exc.message}
    visible, _ended = logic.flow(definition, answers)
    return render(request, "surveys/cati.html", {
        "response": response, "survey": response.survey, "errors": errors,
        "question": _shown([question], answers, _language(), errors)[0] if question else None,
        "form_error": errors.get("", ""),
        "done": len([q for q in visible if q["code"] in answers]), "total": len(visible),
    })


# --- results ---------------------------------------------------------------------------------

@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    metrics = survey_metrics(survey, since=since, until=until, comment_query=request.GET.get("q", "").strip())
    trend = {"months": [m for m, _s in metrics.by_month], "csat": [s.csat for _m, s in metrics.by_month],
             "nps": [s.nps for _m, s in metrics.by_month], "n": [s.n for _m, s in metrics.by_month]}
    return render(request, "surveys/results.html", {"survey": survey, "metrics": metrics, "trend": trend,
                                                    "since": since, "until": until})


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    data, content_type = export_responses(survey, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.{fmt}"'
    return response


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# --- rendering helpers -----------------------------------------------------------------------

def _sections(definition: dict[str, Any], language: str) -> list[dict[str, Any]]:
    return [{"title": logic.text_of(s, language, key="title"),
             "questions": _shown(s.get("questions", []), {}, language)} for s in definition.get("sections", [])]


def _shown(questions: list[dict[str, Any]], answers: dict[str, Any], language: str,
           errors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Questions ready for a template: texts in the language, the scale's points, the answer."""
    out = []
    for q in questions:
        low, high = (0, 10) if q["type"] == "nps" else (q.get("min"), q.get("max"))
        value = answers.get(q["code"])
        out.append({
            **q, "label": logic.text_of(q, language),
            "points": list(range(low, high + 1)) if low is not None and high is not None else [],
            "choices": [{"code": str(o["code"]), "label": logic.text_of(o, language)} for o in q.get("options", [])],
            "rows": [{"code": str(i["code"]), "label": logic.text_of(i, language),
                      "value": (value or {}).get(str(i["code"])) if isinstance(value, dict) else None}
                     for i in q.get("items", [])],
            "value": value, "values": value if isinstance(value, list) else [],
            "error": (errors or {}).get(q["code"], ""),
        })
    return out
