"""JSON API of the satisfaction measurement app."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kehu.core.errors import InvalidInput
from kehu.core.schemas import Message
from kehu.surveys import analysis, services
from kehu.surveys.metrics import survey_metrics
from kehu.surveys.models import Invitation, Survey, SurveyStatus
from kehu.surveys.querysets import is_designer
from kehu.surveys.schemas import (
    CsiIn,
    CsiOut,
    MetricsOut,
    ResponseIn,
    ResponseOut,
    SurveyOut,
)

router = Router(tags=["Satisfaction measurement"])


@router.post("/csi", response={200: CsiOut, 400: Message, 422: Message},
             summary="Customer satisfaction index: PLS path model, strategy matrix, ranking")
def csi(request: HttpRequest, payload: CsiIn) -> JsonResponse:
    columns, rows = _table(payload)
    # One process: a request must not fork the web server; the batched bootstrap is fast.
    out = analysis.run_csi(
        columns, rows, payload.model.model_dump(exclude_none=True), scheme=payload.scheme,
        scaled=payload.scaled, bootstrap=payload.bootstrap, seed=payload.seed,
        missing=payload.missing, processes=1,
    )
    # Sent as is: CsiOut documents the main keys, but a schema would drop the many extras.
    return JsonResponse(out, json_dumps_params={"ensure_ascii": False})


def _table(payload: CsiIn) -> analysis.Table:
    if (payload.data is None) == (payload.csv is None):
        raise InvalidInput(_("Send the answers either as “data” or as “csv”, not both or neither."),
                           field="data")
    if payload.csv is not None:
        return analysis.parse_csv(payload.csv)
    return analysis.records_table(payload.data or [])


# --- surveys and responses -------------------------------------------------------------------

def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.visible_to(request.user), pk=survey_id)


def survey_out(survey: Survey) -> dict[str, Any]:
    version = survey.published()
    return {"id": survey.pk, "name": survey.name, "status": survey.status,
            "version": version.number if version else None,
            "definition": version.definition if version else None,
            "public_url": survey.public_url()}


@router.get("/surveys", response=list[SurveyOut], summary="Surveys you can see")
def survey_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [survey_out(s) for s in Survey.objects.visible_to(request.user).with_published()[:200]]


@router.get("/surveys/{int:survey_id}", response={200: SurveyOut, 404: Message}, summary="A survey and its questions")
def survey_detail(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    return survey_out(_survey(request, survey_id))


@router.post("/surveys/{int:survey_id}/responses", response={201: ResponseOut, 404: Message, 409: Message,
                                                                422: ResponseOut},
             summary="Submit a response (answers by question code)")
def response_create(request: HttpRequest, survey_id: int, payload: ResponseIn) -> Status:
    survey = services.survey_for_answers(survey_id)
    if survey is None or not (survey.status == SurveyStatus.OPEN or is_designer(request.user)):
        raise Http404  # what Survey.objects.visible_to() would hide
    invitation = None
    if payload.invitation_token:
        invitation = Invitation.objects.filter(survey=survey, token=payload.invitation_token).first()
        if invitation is None:
            raise InvalidInput(_("No such invitation for this survey."), field="invitation_token")
    response, errors = services.response_submit(
        survey=survey, raw=payload.answers, channel=payload.channel, invitation=invitation,
        agent=request.user if payload.channel == "cati" else None, language=payload.language,
        complete=payload.complete,
    )
    body = {"id": response.pk, "status": response.status, "version": response.version.number,
            "errors": errors, "message": _("Some answers are not valid.") if errors else ""}
    return Status(422 if errors else 201, body)


@router.get("/surveys/{int:survey_id}/metrics", response={200: MetricsOut, 404: Message},
            summary="CSAT and NPS, overall and by month, agent, team and ticket kind")
def metrics(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    survey = get_object_or_404(Survey.objects.editable_by(request.user), pk=survey_id)
    m = survey_metrics(survey)

    def rows(pairs: list) -> list[dict[str, Any]]:
        return [{"key": k, "n": s.n, "csat": s.csat, "nps": s.nps} for k, s in pairs]

    return {"csat_question": m.csat_question, "nps_question": m.nps_question, "statuses": m.statuses,
            "n": m.overall.n, "csat": m.overall.csat, "nps": m.overall.nps, "by_month": rows(m.by_month),
            "by_agent": rows(m.by["agent"]), "by_team": rows(m.by["team"]), "by_kind": rows(m.by["kind"])}
