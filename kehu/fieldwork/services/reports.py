"""Work reports (日报/周报): drafted from the recorded activity, edited, submitted, commented."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.fieldwork.activity import draft_figures
from kehu.fieldwork.models import ReportComment, ReportKind, ReportStatus, WorkReport
from kehu.fieldwork.querysets import can_lead

MAX_BODY = 20000


def report_period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """A daily report covers its day; a weekly one Monday to Sunday of the day's week."""
    if kind == ReportKind.DAILY:
        return day, day
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def supervisor_of(user: User) -> User | None:
    """Whom a rep reports to: their superior, else the leader of their department or the
    nearest department above that has one."""
    if user.superior_id and user.superior_id != user.pk:
        return user.superior
    department = user.department
    while department is not None:
        if department.leader_id and department.leader_id != user.pk:
            return department.leader
        department = department.parent
    return None


def _starter_text() -> str:
    return "\n".join([_("Summary of the work:"), "", _("Plans for the next period:"), "",
                      _("Problems and support needed:"), ""])


def report_draft(*, author: User, kind: str, day: dt.date) -> WorkReport:
    """A new draft for the author's day or week, its figures read from the activity.

    A second report for the same author, kind and period is refused (409 with the first one's id).
    """
    if kind not in ReportKind.values:
        raise InvalidInput(_("Some fields are not valid."), errors={"kind": _("Choose daily or weekly.")})
    start, end = report_period(kind, day)
    if start > timezone.localdate():
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"date": _("This period has not started yet.")})
    existing = WorkReport.objects.filter(author=author, kind=kind, period_start=start).first()
    if existing is not None:
        raise _duplicate(existing)
    now = timezone.now()
    try:
        with transaction.atomic():
            report = WorkReport.objects.create(
                author=author, kind=kind, period_start=start, period_end=end, body=_starter_text(),
                figures=draft_figures(rep_id=author.pk, start=start, end=end), figures_at=now,
                created_at=now, updated_at=now)
            log_action("report.drafted", actor=author, obj=report,
                       changes={"kind": [None, kind], "period_start": [None, start]})
    except IntegrityError:  # the same draft raced in from a second click
        raise _duplicate(WorkReport.objects.get(author=author, kind=kind, period_start=start)) from None
    return report


def _duplicate(existing: WorkReport) -> Conflict:
    return Conflict(_("You already have a report for this period (%(report)s). Open it instead; "
                      "its figures can be refreshed while it is a draft.") % {"report": existing},
                    field="date", existing_id=existing.pk)


def _own_draft(report: WorkReport, by: User, refusal: str) -> WorkReport:
    current = WorkReport.objects.select_for_update().get(pk=report.pk)
    if current.author_id != by.pk:
        raise NotAllowed(refusal)
    if current.status != ReportStatus.DRAFT:
        raise Conflict(_("This report was submitted on %(time)s and can no longer be changed.")
                       % {"time": timezone.localtime(current.submitted_at).strftime("%Y-%m-%d %H:%M")},
                       field="status")
    return current


@transaction.atomic
def report_refresh(*, report: WorkReport, by: User) -> WorkReport:
    """Re-read the figures of a draft from the activity; the author's text stays as written."""
    current = _own_draft(report, by, _("Only the author can refresh this report."))
    current.figures = draft_figures(rep_id=current.author_id, start=current.period_start, end=current.period_end)
    current.figures_at = current.updated_at = timezone.now()
    current.save(update_fields=["figures", "figures_at", "updated_at"])
    log_action("report.refreshed", actor=by, obj=current)
    return current


@transaction.atomic
def report_update(*, report: WorkReport, by: User, body: str) -> WorkReport:
    current = _own_draft(report, by, _("Only the author can edit this report."))
    body = str(body or "").strip()
    if len(body) > MAX_BODY:
        raise InvalidInput(_("Some fields are not valid."),
                           errors={"body": _("The text is too long (at most 20,000 characters).")})
    current.body, current.updated_at = body, timezone.now()
    current.save(update_fields=["body", "updated_at"])
    log_action("report.updated", actor=by, obj=current)
    return current


@transaction.atomic
def report_submit(*, report: WorkReport, by: User) -> WorkReport:
    """Hand the report to the author's supervisor; from now on it is read-only."""
    current = _own_draft(report, by, _("You can submit only your own reports."))
    current.status, current.reviewer = ReportStatus.SUBMITTED, supervisor_of(by)
    current.submitted_at = current.updated_at = timezone.now()
    current.save(update_fields=["status", "reviewer", "submitted_at", "updated_at"])
    log_action("report.submitted", actor=by, obj=current,
               changes={"status": [ReportStatus.DRAFT, ReportStatus.SUBMITTED],
                        "reviewer": [None, str(current.reviewer) if current.reviewer else None]})
    return current


@transaction.atomic
def report_comment(*, report: WorkReport, by: User, body: str) -> ReportComment:
    """A supervisor's (or manager's) comment on a submitted report; the author sees it."""
    current = WorkReport.objects.select_for_update().get(pk=report.pk)
    if current.author_id == by.pk or not (can_lead(by) or current.reviewer_id == by.pk):
        raise NotAllowed(_("Only the author's supervisor or a manager can comment on this report."))
    if current.status == ReportStatus.DRAFT:
        raise Conflict(_("This report has not been submitted yet."), field="status")
    body = str(body or "").strip()
    if not body:
        raise InvalidInput(_("Some fields are not valid."), errors={"body": _("Write the comment.")})
    comment = ReportComment.objects.create(report=current, by=by, body=body[:MAX_BODY])
    old = current.status
    current.status, current.updated_at = ReportStatus.COMMENTED, timezone.now()
    current.save(update_fields=["status", "updated_at"])
    log_action("report.commented", actor=by, obj=current, changes={"status": [old, ReportStatus.COMMENTED]})
    return comment
