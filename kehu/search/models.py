"""What full-text search reads: each searchable object's folded text and index terms.

One table per kind, keyed by the object's own id, so a match is an id of that kind
without a join. The SQLite FTS5 table / PostgreSQL GIN index over `terms` is made by
`indexing.ensure_indexes` after every migrate.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kehu.service.models import Ticket


class TicketDocument(models.Model):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document",
        verbose_name=_("ticket"),
    )
    folded_title = models.TextField(blank=True, default="")
    folded_body = models.TextField(blank=True, default="")
    terms = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("ticket search document")
        verbose_name_plural = _("ticket search documents")

    def __str__(self) -> str:
        return f"ticket {self.pk}"
