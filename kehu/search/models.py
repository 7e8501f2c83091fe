"""What full-text search reads: each searchable object's folded text and index terms.

One table per kind, keyed by the object's own id, so a match is an id of that kind
without a join. The SQLite FTS5 table / PostgreSQL GIN index over `terms` is made by
`indexing.ensure_indexes` after every migrate.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehu.knowledge.models import Article
from kehu.service.models import Ticket


class SearchDocument(models.Model):
    """What every kind's document holds (see indexing.document_values)."""

    folded_title = models.TextField(blank=True, default="")
    folded_body = models.TextField(blank=True, default="")
    terms = models.TextField(blank=True, default="")

    class Meta:
        abstract = True


class TicketDocument(SearchDocument):
    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document",
        verbose_name=_("ticket"),
    )

    class Meta:
        verbose_name = _("ticket search document")
        verbose_name_plural = _("ticket search documents")

    def __str__(self) -> str:
        return f"ticket {self.pk}"


class ArticleDocument(SearchDocument):
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document",
        verbose_name=_("knowledge article"),
    )

    class Meta:
        verbose_name = _("article search document")
        verbose_name_plural = _("article search documents")

    def __str__(self) -> str:
        return f"article {self.pk}"


class DictionaryWord(models.Model):
    """A domain term the segmenter keeps whole (峰谷电价, 一户一表), added by an admin."""

    word = models.CharField(_("word"), max_length=40, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs) -> None:
        # Stored folded, as every searched text is: 繁體 and full-width forms become one word.
        from kehu.core.search import fold_text

        self.word = fold_text(self.word).strip()
        super().save(*args, **kwargs)
