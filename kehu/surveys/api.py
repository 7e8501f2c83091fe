"""JSON API of the satisfaction measurement app."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from kehu.core.errors import InvalidInput
from kehu.core.schemas import Message
from kehu.surveys import analysis
from kehu.surveys.schemas import CsiIn, CsiOut

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
