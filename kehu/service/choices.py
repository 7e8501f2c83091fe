"""Vocabularies of the service desk. The codes are an API contract; keep them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    REPAIR = "repair", _("Repair")
    EMERGENCY_REPAIR = "emergency_repair", _("Emergency repair")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")
    OTHER = "other", _("Other")


class TicketChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Weibo")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("API")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DISPATCHED = "dispatched", _("Dispatched")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS, TicketStatus.DISPATCHED)

# The status flow: new → accepted → in progress (→ dispatched) → resolved → closed, with
# reopen. A question answered on the spot may be resolved straight from new.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TicketStatus.NEW: (TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS, TicketStatus.DISPATCHED,
                       TicketStatus.RESOLVED),
    TicketStatus.ACCEPTED: (TicketStatus.IN_PROGRESS, TicketStatus.DISPATCHED, TicketStatus.RESOLVED),
    TicketStatus.IN_PROGRESS: (TicketStatus.DISPATCHED, TicketStatus.RESOLVED),
    TicketStatus.DISPATCHED: (TicketStatus.IN_PROGRESS, TicketStatus.DISPATCHED, TicketStatus.RESOLVED),
    TicketStatus.RESOLVED: (TicketStatus.CLOSED, TicketStatus.IN_PROGRESS),
    TicketStatus.CLOSED: (TicketStatus.IN_PROGRESS,),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ComplaintStepCode(models.TextChoices):
    """The five steps of handling a complaint, in the order they are worked."""

    CALM = "calm", _("Calm the customer")
    LISTEN = "listen", _("Listen and record the facts")
    APOLOGISE = "apologise", _("Show understanding and apologise")
    SOLUTION = "solution", _("Agree a solution")
    FOLLOW_UP = "follow_up", _("Follow up and summarise")


class ReplyVia(models.TextChoices):
    CONSOLE = "console", _("Console")
    EMAIL = "email", _("E-mail")
    PUBLIC = "public", _("Public request page")
    API = "api", _("API")
    SYSTEM = "system", _("System")


class SlaClock(models.TextChoices):
    BUSINESS = "business", _("Working hours")
    ROUND_THE_CLOCK = "24x7", _("Round the clock")


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    WORK_ORDER = "work_order", _("Work order")


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("work order", "Open")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class VisitStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
