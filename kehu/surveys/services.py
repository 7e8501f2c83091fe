"""Survey workflows: building a questionnaire, publishing it, taking responses."""

from __future__ import annotations

import copy
import json
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput
from kehu.surveys import logic
from kehu.surveys.models import (
    Answer,
    Invitation,
    InvitationChannel,
    Response,
    ResponseChannel,
    ResponseStatus,
    Survey,
    SurveyStatus,
    SurveyVersion,
    TicketSurveyRule,
)

# --- building --------------------------------------------------------------------------------


def survey_create(*, by: User, name: str, intro: str = "") -> Survey:
    name = name.strip()
    if not name:
        raise InvalidInput(_("A survey needs a name."), field="name")
    with transaction.atomic():
        survey = Survey.objects.create(name=name[:200], intro=intro.strip(), owner=by)
        SurveyVersion.objects.create(survey=survey, number=1, definition={"sections": []}, created_by=by)
        log_action("surveys.survey.created", actor=by, obj=survey, note=survey.name)
    return survey


def survey_draft(*, survey: Survey, by: User) -> SurveyVersion:
    """The version being edited; a published survey gets a new one, copied from the last."""
    draft = survey.draft()
    if draft is not None:
        return draft
    last = survey.versions.order_by("-number").first()
    number = (survey.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            return SurveyVersion.objects.create(
                survey=survey, number=number, created_by=by,
                definition=copy.deepcopy(last.definition) if last else {"sections": []},
            )
    except IntegrityError:  # someone else started the next version a moment ago
        return survey.draft() or survey_draft(survey=survey, by=by)


def _save_definition(version: SurveyVersion, definition: dict[str, Any]) -> None:
    try:
        logic.check_definition(definition)
    except logic.DefinitionError as exc:
        raise InvalidInput(str(exc), field="definition") from None
    version.definition = definition
    version.save(update_fields=["definition"])


def question_add(*, survey: Survey, by: User, question: dict[str, Any], section: str = "") -> SurveyVersion:
    """Append a question (to a new section when `section` names one not last)."""
    version = survey_draft(survey=survey, by=by)
    definition = copy.deepcopy(version.definition)
    sections = definition.setdefault("sections", [])
    codes = set(logic.question_map(definition))
    if not question.get("code"):
        question["code"] = next(f"Q{i}" for i in range(1, 10_000) if f"Q{i}" not in codes)
    if question["code"] in codes:
        raise InvalidInput(_("The code %(code)s is taken.") % {"code": question["code"]}, field="code")
    title = section.strip()
    if not sections or (title and logic.text_of(sections[-1], key="title") != title):
        sections.append({"title": {"zh": title}, "questions": []})
    sections[-1]["questions"].append(question)
    _save_definition(version, definition)
    return version


def question_remove(*, survey: Survey, by: User, code: str) -> SurveyVersion:
    version = survey_draft(survey=survey, by=by)
    definition = copy.deepcopy(version.definition)
    for section in definition.get("sections", []):
        section["questions"] = [q for q in section["questions"] if q["code"] != code]
    definition["sections"] = [s for s in definition.get("sections", []) if s["questions"]]
    _save_definition(version, definition)  # refuses when a later question's condition used it
    return version


def question_move(*, survey: Survey, by: User, code: str, step: int) -> SurveyVersion:
    """Move a question up (-1) or down (+1) within its section."""
    version = survey_draft(survey=survey, by=by)
    definition = copy.deepcopy(version.definition)
    for section in definition.get("sections", []):
        codes = [q["code"] for q in section["questions"]]
        if code in codes:
            i = codes.index(code)
            j = max(0, min(len(codes) - 1, i + step))
            section["questions"].insert(j, section["questions"].pop(i))
    _save_definition(version, definition)
    return version


def survey_publish(*, survey: Survey, by: User) -> SurveyVersion:
    draft = survey.draft()
    if draft is None:
        raise Conflict(_("Nothing to publish: the latest version is published already."))
    if not any(True for _q in logic.questions(draft.definition)):
        raise InvalidInput(_("Add at least one question before publishing."), field="definition")
    with transaction.atomic():
        draft.published_at = timezone.now()
        draft.save(update_fields=["published_at"])
        survey.status = SurveyStatus.OPEN
        survey.save(update_fields=["status"])
        log_action("surveys.survey.published", actor=by, obj=survey, note=f"v{draft.number}")
    return draft


def survey_close(*, survey: Survey, by: User) -> None:
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status"])
    log_action("surveys.survey.closed", actor=by, obj=survey)


# --- answering -------------------------------------------------------------------------------

# Published versions never change (edits go to a new draft), so each process keeps the ones
# it has read, decoded and indexed: fetching and decoding them was a fifth of a submission.
_published: dict[int, tuple[SurveyVersion, dict[str, Any]]] = {}


SURVEY_TTL_S = 2.0
_answerable: dict[int, tuple[float, Survey]] = {}


def survey_for_answers(survey_id: int) -> Survey | None:
    """The survey with its published version's id, kept for two seconds per process.

    Each API submission needs both; reading them from the database was a quarter of the
    request (bench/survey_bench.py). Saving a survey or a version clears this process's
    copies (signals in apps.py); other workers follow within SURVEY_TTL_S.
    """
    now = time.monotonic()
    if (hit := _answerable.get(survey_id)) is not None and now - hit[0] < SURVEY_TTL_S:
        return hit[1]
    survey = Survey.objects.with_published_id().filter(pk=survey_id).first()
    if survey is not None:
        if len(_answerable) > 1000:
            _answerable.clear()
        _answerable[survey_id] = (now, survey)
    return survey


def answer_caches_clear(**_kwargs: object) -> None:
    _answerable.clear()
    _published.clear()  # ids come back after a rollback (tests), so forget these too


def published_version(survey: Survey) -> tuple[SurveyVersion, dict[str, Any]] | None:
    """The survey's published version and its questions by code, or None."""
    version_id = getattr(survey, "published_version_id", False)  # with_published_id()
    if version_id is False:
        version = survey.published()
        return (version, logic.question_map(version.definition)) if version else None
    if version_id is None:
        return None
    if (hit := _published.get(version_id)) is None:
        version = SurveyVersion.objects.get(pk=version_id)
        if len(_published) > 1000:
            _published.clear()
        hit = _published[version_id] = (version, logic.question_map(version.definition))
    return hit


def response_start(*, survey: Survey, channel: str = ResponseChannel.WEB, invitation: Invitation | None = None,
                   agent: User | None = None, customer: Any = None, ticket: Any = None,
                   language: str = "zh") -> Response:
    """A new response on the published version; an invitation's own response if it has one."""
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("This survey is not open for answers."))
    version = survey.published()
    if version is None:
        raise Conflict(_("This survey is not open for answers."))
    if invitation is not None:
        existing = Response.objects.filter(invitation=invitation).first()
        if existing is not None:
            if existing.status != ResponseStatus.IN_PROGRESS:
                raise Conflict(_("This invitation has been answered already. Thank you!"))
            return existing
        customer = customer or invitation.customer
        ticket = ticket or invitation.ticket
    try:
        with transaction.atomic():
            return Response.objects.create(survey=survey, version=version, invitation=invitation, channel=channel,
                                           agent=agent, customer=customer, ticket=ticket, language=language)
    except IntegrityError:  # the same invitation opened twice at once: one response
        return Response.objects.get(invitation=invitation)


def response_answer(*, response: Response, raw: dict[str, Any]) -> dict[str, str]:
    """Store the answers given (partial responses are kept); returns {code: error} for the bad ones."""
    if response.status != ResponseStatus.IN_PROGRESS:
        raise Conflict(_("This response is finished."))
    questions = logic.question_map(response.version.definition)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for code, value in raw.items():
        q = questions.get(code)
        if q is None:
            continue
        try:
            cleaned[code] = logic.clean_answer(q, value)
        except logic.AnswerError as exc:
            errors[code] = _(exc.template) % exc.params
    with transaction.atomic():
        gone = [code for code, value in cleaned.items() if value is None]
        if gone:
            response.answers.filter(question__in=gone).delete()
        for code, value in cleaned.items():
            if value is not None:
                Answer.objects.update_or_create(response=response, question=code,
                                                defaults={"value": value, "number": _number(value)})
    return errors


def _answers_insert(response_id: int, answers: dict[str, Any], now: Any) -> None:
    """All answers of a new response in one statement.

    Plain SQL on purpose: bulk_create spent 0.6 ms per response preparing each field of each
    row (bench/survey_bench.py); this is the API's hottest write.
    """
    if not answers:
        return
    ops, table = connection.ops, Answer._meta.db_table
    json_ph = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    stamp = ops.adapt_datetimefield_value(now)
    rows = [(response_id, code, json.dumps(value, ensure_ascii=False), _number(value), stamp)
            for code, value in answers.items()]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (response_id, question, value, number, answered_at) "
                           f"VALUES (%s, %s, {json_ph}, %s, %s)", rows)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def response_finish(*, response: Response) -> Response:
    """Complete (or screen out) a response whose required shown questions are answered."""
    if response.status != ResponseStatus.IN_PROGRESS:
        return response
    definition = response.version.definition
    answers = response.answer_dict()
    missing = logic.missing_required(definition, answers)
    if missing:
        raise InvalidInput(_("Please answer the required questions."), errors={c: _("Required.") for c in missing})
    _visible, ended = logic.flow(definition, answers)
    keep = logic.effective_answers(definition, answers)
    now = timezone.now()
    with transaction.atomic():
        response.answers.exclude(question__in=list(keep)).delete()  # hidden by a changed answer
        response.status = ResponseStatus.SCREENED_OUT if ended else ResponseStatus.COMPLETED
        response.finished_at = now
        response.seconds = max(0, int((now - response.started_at).total_seconds()))
        response.save(update_fields=["status", "finished_at", "seconds"])
    return response


def response_disposition(*, response: Response, by: User, disposition: str, callback_at: Any = None) -> Response:
    """A CATI interview that ends without completing: refused, or call back later."""
    if disposition not in (ResponseStatus.REFUSED, ResponseStatus.CALLBACK):
        raise InvalidInput(_("Unknown disposition."), field="disposition")
    if response.status != ResponseStatus.IN_PROGRESS:
        raise Conflict(_("This response is finished."))
    response.status = disposition
    response.callback_at = callback_at if disposition == ResponseStatus.CALLBACK else None
    response.finished_at = timezone.now()
    response.save(update_fields=["status", "callback_at", "finished_at"])
    log_action("surveys.interview.ended", actor=by, obj=response, note=disposition)
    return response


def response_submit(*, survey: Survey, raw: dict[str, Any], channel: str = ResponseChannel.API,
                    invitation: Invitation | None = None, agent: User | None = None, customer: Any = None,
                    ticket: Any = None, language: str = "zh", complete: bool = True) -> tuple[Response, dict[str, str]]:
    """A whole response in one call (the API): checked first, written in one transaction.

    Valid answers are kept even when others are not; the response then stays in progress
    (a partial response) and the errors name the questions.
    """
    if invitation is not None and Response.objects.filter(invitation=invitation).exclude(
            status=ResponseStatus.IN_PROGRESS).exists():
        raise Conflict(_("This invitation has been answered already. Thank you!"))
    if survey.status != SurveyStatus.OPEN or (published := published_version(survey)) is None:
        raise Conflict(_("This survey is not open for answers."))
    version, questions = published
    definition = version.definition
    unknown = sorted(set(raw) - set(questions))
    errors = {code: _("No such question.") for code in unknown}
    cleaned: dict[str, Any] = {}
    for code, value in raw.items():
        if code in questions:
            try:
                if (clean := logic.clean_answer(questions[code], value)) is not None:
                    cleaned[code] = clean
            except logic.AnswerError as exc:
                errors[code] = _(exc.template) % exc.params
    kept = logic.effective_answers(definition, cleaned)
    status = ResponseStatus.IN_PROGRESS
    if complete and not errors:
        missing = logic.missing_required(definition, kept)
        errors.update({code: _("Required.") for code in missing})
        if not missing:
            status = ResponseStatus.SCREENED_OUT if logic.flow(definition, kept)[1] else ResponseStatus.COMPLETED
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, version=version, invitation=invitation, channel=channel, status=status,
                agent=agent, customer=customer or (invitation.customer if invitation else None),
                ticket=ticket or (invitation.ticket if invitation else None), language=language,
                finished_at=now if status != ResponseStatus.IN_PROGRESS else None,
                seconds=0 if status != ResponseStatus.IN_PROGRESS else None,
            )
            _answers_insert(response.pk, kept, now)
    except IntegrityError:
        raise Conflict(_("This invitation has been answered already. Thank you!")) from None
    return response, errors


# --- invitations -----------------------------------------------------------------------------

INVITE_LOOKBACK = timedelta(days=7)  # a closed ticket older than its delay by more is not invited
INVITE_BATCH = 1000


def invitation_send(*, invitation: Invitation) -> bool:
    """Mail the invitee their own link; False (and nothing raised) when there is no address or
    the mail server refuses: the invitation stays, unsent, for another try."""
    if not invitation.email:
        return False
    link = f"{settings.KEHU_PUBLIC_URL}{invitation.public_url()}"
    body = _("Dear customer,\n\nplease tell us how we did: it takes two minutes.\n%(link)s\n\nThank you.") % {
        "link": link}
    try:
        EmailMessage(subject=invitation.survey.name, body=body, from_email=settings.KEHU_SERVICE_EMAIL,
                     to=[invitation.email]).send()
    except OSError:
        return False
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def invitations_by_email(*, survey: Survey, by: User, addresses: list[str]) -> tuple[int, list[str]]:
    """One invitation per valid address, mailed; returns (sent, refused addresses)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("This survey is not open for answers."))
    sent, refused = 0, []
    for address in dict.fromkeys(a.strip() for a in addresses if a.strip()):
        try:
            validate_email(address)
        except ValidationError:
            refused.append(address)
            continue
        invitation = Invitation.objects.create(survey=survey, channel=InvitationChannel.EMAIL, email=address)
        sent += invitation_send(invitation=invitation)
    log_action("surveys.invitations.mailed", actor=by, obj=survey, note=f"{sent} sent, {len(refused)} refused")
    return sent, refused


def invitations_after_tickets(*, now: Any = None) -> int:
    """Invite the customers of tickets closed `delay_hours` ago, per active rule; idempotent.

    A customer already invited `cap_per_customer` times to the survey within `cap_days`
    is skipped (survey fatigue); a ticket without customer or address is skipped.
    """
    now = now or timezone.now()
    made = 0
    for rule in TicketSurveyRule.objects.filter(active=True, survey__status=SurveyStatus.OPEN).select_related("survey"):
        made += _invite_for_rule(rule, now)
    return made


def _invite_for_rule(rule: TicketSurveyRule, now: Any) -> int:
    from kehu.service.models import Ticket

    due = now - timedelta(hours=rule.delay_hours)
    tickets = (Ticket.objects.filter(status="closed", closed_at__lte=due, closed_at__gt=due - INVITE_LOOKBACK)
               .exclude(survey_invitations__survey=rule.survey).select_related("customer").order_by("closed_at"))
    if rule.kinds:
        tickets = tickets.filter(kind__in=rule.kinds)
    made = 0
    for ticket in tickets[:INVITE_BATCH]:
        email = ticket.caller_email or (ticket.customer.email if ticket.customer else "")
        if not email and ticket.customer is None:
            continue
        if ticket.customer is not None and Invitation.objects.filter(
                survey=rule.survey, customer=ticket.customer,
                created_at__gt=now - timedelta(days=rule.cap_days)).count() >= rule.cap_per_customer:
            continue
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(survey=rule.survey, channel=InvitationChannel.TICKET,
                                                       ticket=ticket, customer=ticket.customer, email=email)
        except IntegrityError:  # another sweep invited this ticket a moment ago
            continue
        invitation_send(invitation=invitation)
        made += 1
    return made
