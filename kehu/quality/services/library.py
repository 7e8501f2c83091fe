"""The coaching library: evaluators mark exemplary calls for new agents to hear."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.contact.models import Interaction
from kehu.core.audit import log_action
from kehu.core.errors import Conflict, InvalidInput, NotAllowed
from kehu.quality.models import Evaluation, LibraryEntry
from kehu.quality.querysets import is_evaluator

TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def clean_tags(raw: Any) -> str:
    """Tags typed as “投诉, 安抚” or sent as a list → “,投诉,安抚,” (at most 10, each ≤ 20 characters)."""
    parts = raw if isinstance(raw, list) else TAG_SPLIT.split(str(raw or ""))
    tags: list[str] = []
    for part in parts:
        tag = TAG_SPLIT.sub("", str(part))[:20]
        if tag and tag not in tags:
            tags.append(tag)
    return f",{','.join(tags[:10])}," if tags else ""


def library_add(*, by: User, interaction: Interaction, note: str, tags: Any = "", title: str = "",
                evaluation: Evaluation | None = None) -> LibraryEntry:
    if not is_evaluator(by):
        raise NotAllowed(_("Only supervisors and managers add to the coaching library."))
    note = str(note or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Say what makes this call worth hearing.")
    if not interaction.recording_url:
        errors["interaction"] = _("This interaction has no recording.")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), errors=errors)
    title = str(title or "").strip()[:200] or f"{interaction.get_kind_display()} · {interaction.problem or interaction.external_id}"
    try:
        with transaction.atomic():
            entry = LibraryEntry.objects.create(interaction=interaction, evaluation=evaluation, title=title,
                                                note=note[:5000], tags_text=clean_tags(tags), added_by=by)
            log_action("quality.library.added", actor=by, obj=entry, changes={"title": [None, title]})
    except IntegrityError:
        raise Conflict(_("This interaction is already in the coaching library."), field="interaction") from None
    return entry
