"""The CSI model page (map items, draw paths, run, compare periods) and the sampling form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.errors import ServiceError
from kehu.surveys import csi_model, sampling
from kehu.surveys.forms import CsiModelForm, PeriodForm, SampleForm
from kehu.surveys.models import Survey, SurveyModel
from kehu.surveys.views import _language, _survey

RELIABILITY = 0.7  # α and ρc below this, AVE below 0.5: the thresholds the readings use
AVE = 0.5


@login_required
def model_page(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    items = csi_model.items(survey, _language())
    model = survey.csi_models.first()
    status = 200
    if request.method == "POST":
        form = CsiModelForm(request.POST)
        state = _posted(request.POST)
        if form.is_valid() and (saved := _save(request, survey, form, state)):
            messages.success(request, _("The model is saved."))
            return redirect("surveys:model_results" if request.POST.get("run") else "surveys:model", pk=saved.survey_id)
        status = 422
    else:
        state = _stored(model) if model else csi_model.template(items)
        form = CsiModelForm(initial=_settings(model, state))
    return render(request, "surveys/model.html", _page(survey, items, model, form, state), status=status)


def _save(request: HttpRequest, survey: Survey, form: CsiModelForm, state: dict[str, Any]) -> SurveyModel | None:
    try:
        return csi_model.model_save(survey=survey, by=request.user, constructs=state["constructs"],
                                    paths=state["paths"], **form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None


def _posted(data: QueryDict) -> dict[str, Any]:
    """Constructs (one name a line), item → construct selects, and the from → to rows."""
    names = [n.strip() for n in data.get("constructs", "").splitlines() if n.strip()]
    constructs: dict[str, list[str]] = {n[:60]: [] for n in names}
    for key, value in data.items():
        if key.startswith("item:") and value in constructs:
            constructs[value].append(key[5:])
    paths = [[a.strip(), b.strip()] for a, b in zip(data.getlist("path_from"), data.getlist("path_to"), strict=False)
             if a.strip() and b.strip()]
    return {"constructs": constructs, "paths": paths, "target": data.get("target", "")}


def _stored(model: SurveyModel) -> dict[str, Any]:
    constructs = csi_model.ordered(model.constructs, model.paths)
    return {"constructs": constructs, "paths": model.paths, "target": model.target}


def _settings(model: SurveyModel | None, state: dict[str, Any]) -> dict[str, Any]:
    if model is None:
        return {"target": state["target"]}
    return {f: getattr(model, f) for f in ("name", "target", "scheme", "scaled", "bootstrap", "seed")}


def _page(survey: Survey, items: list[csi_model.Item], model: SurveyModel | None, form: CsiModelForm,
          state: dict[str, Any]) -> dict[str, Any]:
    where = {i: c for c, cols in state["constructs"].items() for i in cols}
    return {
        "survey": survey, "model": model, "form": form, "names": list(state["constructs"]),
        "items": [{"item": i, "construct": where.get(i.column, "")} for i in items],
        "paths": state["paths"] or [["", ""]],
        "graph": {"nodes": list(state["constructs"]), "target": state.get("target"),
                  "links": [p for p in state["paths"] if p[0] in state["constructs"] and p[1] in state["constructs"]]},
        "period": PeriodForm(),
    }


# --- results ---------------------------------------------------------------------------------

def _period(request: HttpRequest, prefix: str = "") -> tuple[dt.date | None, dt.date | None]:
    form = PeriodForm(request.GET, prefix=prefix or None)
    if not form.is_valid():
        return None, None
    return form.cleaned_data.get("since"), form.cleaned_data.get("until")


def _model_or_none(survey: Survey) -> SurveyModel | None:
    return survey.csi_models.first()


@login_required
def model_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    model = _model_or_none(survey)
    if model is None:
        messages.error(request, _("Save a model first."))
        return redirect("surveys:model", pk=pk)
    since, until = _period(request)
    context: dict[str, Any] = {"survey": survey, "model": model, "since": since, "until": until,
                               "query": request.GET.urlencode()}
    try:
        result = csi_model.model_run(model, since, until, processes=None)
    except ServiceError as exc:
        return render(request, "surveys/model_results.html", {**context, "error": exc.message}, status=422)
    return render(request, "surveys/model_results.html", {**context, **_shown(result)})


def _shown(result: dict[str, Any]) -> dict[str, Any]:
    reliability = [{"construct": c, **r, "r2": result["r2"].get(c),
                    "weak": any(_below(r.get(k), RELIABILITY) for k in ("alpha", "rho_c")) or _below(r.get("ave"), AVE)}
                   for c, r in result["reliability"].items()]
    return {
        "result": result, "reliability": reliability,
        "chart": {"points": csi_model.matrix_points(result), "cuts": result["quadrant_cuts"],
                  "labels": {**{k: str(v) for k, v in csi_model.QUADRANT_LABELS.items()},
                             "performance": _("performance"), "importance": _("importance")}},
    }


def _below(value: float | None, threshold: float) -> bool:
    return value is not None and value < threshold


@login_required
def model_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    model = _model_or_none(survey)
    since, until = _period(request)
    try:
        if model is None:
            raise ServiceError(_("Save a model first."))
        data = csi_model.workbook(csi_model.model_run(model, since, until, processes=None))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:model", pk=pk)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="csi-{survey.pk}.xlsx"'
    return response


@login_required
def model_compare(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    model = _model_or_none(survey)
    if model is None:
        messages.error(request, _("Save a model first."))
        return redirect("surveys:model", pk=pk)
    periods = {"a": _period(request, "a"), "b": _period(request, "b")}
    context: dict[str, Any] = {"survey": survey, "model": model, "periods": periods,
                               "form_a": PeriodForm(request.GET or None, prefix="a"),
                               "form_b": PeriodForm(request.GET or None, prefix="b")}
    if not request.GET:
        return render(request, "surveys/model_compare.html", context)
    results, errors = {}, {}
    for key, (since, until) in periods.items():
        try:
            results[key] = csi_model.model_run(model, since, until, processes=None)
        except ServiceError as exc:
            errors[key] = exc.message
    if errors:
        return render(request, "surveys/model_compare.html", {**context, "errors": errors}, status=422)
    return render(request, "surveys/model_compare.html", {
        **context, "results": results, "rows": csi_model.compare(results["a"], results["b"])})


# --- sampling --------------------------------------------------------------------------------

@login_required
@require_POST
def sample(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk, edit=True)
    form = SampleForm(request.POST)
    context: dict[str, Any] = {"survey": survey, "form": form}
    if not form.is_valid():
        return render(request, "surveys/sample.html", context, status=422)
    d = form.cleaned_data
    try:
        quotas = sampling.parse_quotas(d["quotas"]) if d["allocation"] == "quota" and d["stratify"] else None
        drawn = sampling.sample_draw(survey=survey, by=request.user, params=form.filters(), n=d["n"] or 0,
                                     stratify=d["stratify"], quotas=quotas, seed=d["seed"] or 0, send=d["send"])
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return render(request, "surveys/sample.html", context, status=exc.status)
    invitations = survey.invitations.filter(customer_id__in=drawn.ids[:200]).select_related("customer")
    return render(request, "surveys/sample.html", {**context, "drawn": drawn, "invitations": invitations})
