"""Files on a ticket: checked for size and type before anything is written."""

from __future__ import annotations

import mimetypes
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kehu.accounts.models import User
from kehu.core.errors import InvalidInput
from kehu.service.models import Attachment, Reply, Ticket


def safe_filename(name: str) -> str:
    """The last path part, without control characters, at most 150 characters."""
    name = unicodedata.normalize("NFC", PurePath(str(name or "").replace("\\", "/")).name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[:140]}.{ext}" if stem else f"file.{ext}"
    return name[:150] or "file"


def attachment_problem(name: str, size: int) -> str:
    """What is wrong with a file, in the user's language, or '' when it may be kept."""
    limit = settings.KEHU_MAX_ATTACHMENT_BYTES
    if size > limit:
        return _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}
    if size == 0:
        return _("“%(name)s” is empty.") % {"name": name}
    ext = PurePath(name).suffix.lower()
    if ext and ext in {e.strip().lower() for e in settings.KEHU_BLOCKED_EXTENSIONS}:
        return _("Files of type %(ext)s are not accepted.") % {"ext": ext}
    return ""


def attachment_add(*, ticket: Ticket, name: str, content: bytes, content_type: str = "",
                   reply: Reply | None = None, by: User | None = None) -> Attachment:
    name = safe_filename(name)
    problem = attachment_problem(name, len(content))
    if problem:
        raise InvalidInput(problem, field="file", errors={"file": problem})
    content_type = (content_type or mimetypes.guess_type(name)[0] or "application/octet-stream")[:100]
    attachment = Attachment(ticket=ticket, reply=reply, name=name, size=len(content),
                            content_type=content_type, uploaded_by=by)
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
