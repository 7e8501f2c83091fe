"""Account workflows: API tokens and the demo organisation."""

from __future__ import annotations

from django.utils import timezone

from kehu.accounts.models import ApiToken, User
from kehu.core.audit import log_action


def token_create(*, user: User, name: str = "") -> str:
    """Create an API token for `user` and return it; only its hash is kept."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name[:100], digest=ApiToken.hash(raw), prefix=raw[5:13])
    log_action("account.token_created", actor=user, obj=token)
    return raw


def user_for_token(raw: str) -> User | None:
    # The department comes along: most handlers scope or stamp by it.
    token = ApiToken.objects.select_related("user__department").filter(digest=ApiToken.hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute: the lookup API must stay a read.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
