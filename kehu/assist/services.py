"""Agent assist: analyse a customer's words, record agents' verdicts, retrain the model.

The engine (kehu.engines.assist) knows nothing of tickets or users; this module feeds it
text, adds the knowledge base's recommendations to its answer, and keeps the trained
model files under DATA_DIR/assist/ with the active version recorded in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.assist.models import AssistCorrection, AssistModelVersion, LabelField
from kehu.core.audit import log_action
from kehu.core.errors import InvalidInput
from kehu.customers.models import Customer
from kehu.engines import assist as engine
from kehu.engines.assist import labels
from kehu.knowledge.services import Recommendation, recommend
from kehu.service.choices import ReplyVia
from kehu.service.models import Ticket

# Longer texts are cut before analysis: the opening carries the customer's point, and an
# upper bound keeps every answer fast whatever a caller pastes in.
MAX_TEXT = 20_000
CUSTOMER_REPLIES = 3
# A retrained model may lose this much held-out accuracy on one field (about four of the
# ~200 held-out messages) as long as the mean over the fields does not drop.
FIELD_TOLERANCE = 0.02


def vocabulary(field: str) -> dict[str, str]:
    """Codes an agent may choose for a field; for the type also the types the engine does
    not predict yet (they are worth recording on the customer)."""
    if field == LabelField.TYPE:
        return {**labels.TYPES, **labels.MORE_TYPES}
    return labels.FIELDS[field]


# --- the model in use --------------------------------------------------------------------

def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "assist"


def model_active() -> engine.AssistModel:
    """The model recorded as active, or the one shipped with the package."""
    row = AssistModelVersion.objects.filter(active=True).order_by("-id").first()
    if row is None or not Path(row.path).is_file():
        return engine.load_model()
    return engine.load_model(Path(row.path))  # cached by the engine per file and mtime


# --- analysis ----------------------------------------------------------------------------

@dataclass
class Assisted:
    """An analysis as the API answers it (`data`) and the articles behind its titles."""

    data: dict[str, Any]
    recommendation: Recommendation
    predicted: dict[str, str]  # the model's codes, before any agent's verdict


def clip(text: str) -> tuple[str, bool]:
    text = (text or "").replace("\x00", "")
    return (text[:MAX_TEXT], True) if len(text) > MAX_TEXT else (text, False)


def ticket_text(ticket: Ticket) -> str:
    """What the customer said: the title and description, then their latest replies."""
    said = list(ticket.replies.filter(author__isnull=True, internal=False).exclude(via=ReplyVia.SYSTEM)
                .order_by("-id").values_list("body", flat=True)[:CUSTOMER_REPLIES])
    return "\n".join(p for p in [ticket.title, ticket.description, *reversed(said)] if p)


def customer_text(customer: Customer, user: User) -> str:
    """What we heard from a customer lately: their latest visible tickets and follow-ups."""
    tickets = Ticket.objects.visible_to(user).filter(customer=customer).order_by("-id")
    said = [f"{t.title}\n{t.description}" for t in tickets.only("title", "description")[:CUSTOMER_REPLIES]]
    said += list(customer.followups.order_by("-at", "-id").values_list("content", flat=True)[:CUSTOMER_REPLIES])
    return "\n".join(p for p in said if p)


def _channel(ticket: Ticket | None) -> str:
    if ticket is None or ticket.channel == "phone":
        return "phone"
    return "visit" if ticket.channel == "walk_in" else "online"


def assist_run(*, text: str, ticket: Ticket | None = None,
               overrides: dict[str, str] | None = None) -> Assisted:
    """Analyse `text` and fetch the recommendations for the labels (an agent's confirmed
    labels in `overrides` win over the model's)."""
    clipped, truncated = clip(text)
    data = _rounded(model_active().analyse(clipped).as_dict())
    predicted = {f: data[f] for f in labels.FIELDS}
    for field, code in (overrides or {}).items():
        data[field] = code
        data[f"{field}_label"] = vocabulary(field).get(code, code)
    rec = recommend(type_code=data["type"], kind_code=data["kind"], text=clipped,
                    emotion=data["emotion"], channel=_channel(ticket))
    data.update(
        strategy=rec.strategy.title if rec.strategy else None,
        scripts=[a.title for a in rec.scripts],
        faqs=[a.title for a in rec.faqs],
        first_reply=rec.first_reply,
        truncated=truncated,
    )
    return Assisted(data=data, recommendation=rec, predicted=predicted)


def _rounded(data: dict[str, Any]) -> dict[str, Any]:
    """Scores to four decimals: more digits only make the JSON harder to read."""
    for key, value in data.items():
        if isinstance(value, float):
            data[key] = round(value, 4)
        elif key.endswith("_scores") and isinstance(value, dict):
            data[key] = {k: round(float(v), 4) for k, v in value.items()}
    return data


def assist_analyse(*, text: str, user: User | None = None, ticket: Ticket | None = None,
                   customer: Customer | None = None) -> dict[str, Any]:
    """The JSON answer for a text (or, without text, for the ticket's or customer's words)."""
    if not text and ticket is not None:
        text = ticket_text(ticket)
    elif not text and customer is not None and user is not None:
        text = customer_text(customer, user)
    answer = assist_run(text=text, ticket=ticket).data
    if ticket is not None:
        answer["ticket_id"] = ticket.pk
    if customer is not None:
        answer["customer_id"] = customer.pk
    return answer


def confirmed_labels(*, ticket: Ticket | None = None,
                     customer: Customer | None = None) -> dict[str, AssistCorrection]:
    """The latest verdict per field agents gave on this ticket (or this customer)."""
    qs = AssistCorrection.objects.filter(ticket=ticket) if ticket else \
        AssistCorrection.objects.filter(customer=customer, ticket__isnull=True)
    latest: dict[str, AssistCorrection] = {}
    for c in qs.select_related("created_by").order_by("-id")[:50]:
        latest.setdefault(c.field, c)
    return latest


# --- corrections -------------------------------------------------------------------------

def _check_code(field: str, name: str, code: str) -> None:
    if code not in vocabulary(field):
        raise InvalidInput(
            _("“%(code)s” is not a %(field)s code; use one of: %(codes)s.")
            % {"code": code, "field": field, "codes": ", ".join(vocabulary(field))}, field=name)


def _validated(field: str, predicted: str, correct: str) -> None:
    if field not in LabelField.values:
        raise InvalidInput(_("Choose the label to correct: %(fields)s.")
                           % {"fields": ", ".join(LabelField.values)}, field="field")
    _check_code(field, "correct", correct)
    if predicted:
        _check_code(field, "predicted", predicted)


@transaction.atomic
def correction_record(*, by: User, field: str, correct: str, predicted: str = "", text: str = "",
                      ticket: Ticket | None = None, customer: Customer | None = None,
                      model_version: str = "") -> AssistCorrection:
    """Store an agent's confirmation or correction of one label. A type given for a
    customer (or the customer of the ticket) becomes the customer's behavioural type."""
    _validated(field, predicted, correct)
    if not text and ticket is not None:
        text = ticket_text(ticket)
    text, _cut = clip(text.strip())
    if not text and customer is None:
        # Without words the verdict teaches nothing; for a customer it still records the type.
        raise InvalidInput(_("Send the text that was analysed, or a ticket."), field="text")
    if customer is None and ticket is not None and ticket.reporter_visible_to(by):
        customer = ticket.customer
    correction = AssistCorrection.objects.create(
        text=text, field=field, predicted=predicted, correct=correct,
        model_version=model_version[:80], ticket=ticket, customer=customer, created_by=by)
    log_action("assist.correction.recorded", actor=by, obj=correction,
               customer_id=customer.pk if customer else None,
               changes={"field": field, "predicted": predicted, "correct": correct},
               note=f"ticket {ticket.number}" if ticket else "")
    if field == LabelField.TYPE and customer is not None and correct != "unknown":
        customer_type_set(customer=customer, type_code=correct, by=by)
    return correction


def customer_type_set(*, customer: Customer, type_code: str, by: User) -> Customer:
    """Record the customer's behavioural type as an agent confirmed it."""
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.behaviour_type == type_code:
        return current
    old = current.behaviour_type
    current.behaviour_type = type_code
    current.version = F("version") + 1
    current.updated_at = timezone.now()
    current.save(update_fields=["behaviour_type", "version", "updated_at"])
    current.refresh_from_db(fields=["version"])
    log_action("customer.updated", actor=by, obj=current, customer_id=current.pk,
               changes={"behaviour_type": [old, type_code]}, note="assist")
    return current


# --- learning ----------------------------------------------------------------------------

def correction_rows() -> list[dict[str, str]]:
    """Training rows from the stored corrections: one per text, the latest verdict per field.

    Types the engine does not predict (MORE_TYPES) teach it nothing and are left out.
    """
    rows: dict[str, dict[str, str]] = {}
    for text, field, correct in AssistCorrection.objects.order_by("-id").values_list("text", "field", "correct"):
        if correct not in labels.FIELDS[field] or not text.strip():
            continue
        rows.setdefault(text, {"text": text}).setdefault(field, correct)
    return list(rows.values())


def _accuracy(report: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {field: round(float(r["accuracy"]), 4) for field, r in report.items() if r.get("n")}


def not_worse(before: dict[str, float], after: dict[str, float]) -> bool:
    """Mean held-out accuracy not lower, and no field lower by more than FIELD_TOLERANCE."""
    fields = [f for f in before if f in after]
    if not fields:
        return False
    mean_before = sum(before[f] for f in fields) / len(fields)
    mean_after = sum(after[f] for f in fields) / len(fields)
    return mean_after >= mean_before - 1e-9 and all(after[f] >= before[f] - FIELD_TOLERANCE for f in fields)


def _new_version(now: dt.datetime) -> str:
    stem = f"assist-{now:%Y%m%d-%H%M%S}"  # no dots: the file name is the version plus .npz
    version, n = stem, 1
    while AssistModelVersion.objects.filter(version=version).exists():
        n += 1
        version = f"{stem}-{n}"
    return version


def model_retrain(*, by: User | None = None, corpus: list[dict[str, Any]] | None = None,
                  seed: int = 0) -> dict[str, Any]:
    """Retrain on the corpus plus every correction; keep the new model only when it is not
    worse than the model in use on the same held-out messages.

    The held-out messages are the corpus' fixed test split plus a fifth of the corrected
    texts (the engine's split), so what agents taught counts in the comparison. `corpus`
    defaults to the shipped one; tests pass a smaller one.
    """
    rows = engine.shipped_corpus() if corpus is None else corpus
    base_train, base_test = engine.held_out_split(rows, seed=seed)
    extra = correction_rows()
    fix_train, fix_test = engine.held_out_split(extra, seed=seed) if extra else ([], [])
    test = base_test + fix_test
    current = model_active()
    version = _new_version(timezone.now())
    candidate = engine.train_model(base_train + fix_train, seed=seed, version=version)
    before = _accuracy(engine.evaluate(current, test))
    after = _accuracy(engine.evaluate(candidate, test))
    replaced = not_worse(before, after)
    report: dict[str, Any] = {
        "before": before, "after": after, "held_out": len(test), "corrections_held_out": len(fix_test),
        "trained_on": len(base_train) + len(fix_train), "corrections": len(extra),
        "previous_version": current.version, "replaced": replaced,
        "version": version if replaced else current.version,
    }
    if replaced:
        _install(candidate, by=by, accuracy={"before": before, "after": after}, corrections=len(extra))
    return report


def _install(model: engine.AssistModel, *, by: User | None, accuracy: dict[str, Any],
             corrections: int) -> AssistModelVersion:
    """Write the model as a new file (never over an older one) and make it the active one."""
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = model.save(folder / f"{model.version}.npz")
    with transaction.atomic():
        AssistModelVersion.objects.filter(active=True).update(active=False)
        row = AssistModelVersion.objects.create(version=model.version, path=str(path), accuracy=accuracy,
                                                corrections=corrections, active=True, created_by=by)
        log_action("assist.model.replaced", actor=by, obj=row, changes=accuracy)
    return row
