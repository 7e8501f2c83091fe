"""Account workflows: API tokens and the demo organisation."""

from __future__ import annotations

import copy
import threading
import time

from django.utils import timezone

from kehu.accounts.models import ApiToken, User
from kehu.core.audit import log_action


def token_create(*, user: User, name: str = "") -> str:
    """Create an API token for `user` and return it; only its hash is kept."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name[:100], digest=ApiToken.hash(raw), prefix=raw[5:13])
    log_action("account.token_created", actor=user, obj=token)
    return raw


# A bearer token's user, kept for a few seconds per process: the lookup was a third of a
# survey submission's time (bench/survey_bench.py). Saving a user or deleting a token clears
# this process's copies at once (signals below); other worker processes follow within TOKEN_TTL_S.
TOKEN_TTL_S = 5.0
_token_users: dict[str, tuple[float, User, ApiToken]] = {}
_token_lock = threading.Lock()


def user_for_token(raw: str) -> User | None:
    digest = ApiToken.hash(raw)
    now_mono = time.monotonic()
    cached = _token_users.get(digest)
    if cached is not None and now_mono - cached[0] < TOKEN_TTL_S:
        # A copy per request: handlers may cache scope answers on the instance.
        return copy.copy(cached[1])
    # The department comes along: most handlers scope or stamp by it.
    token = ApiToken.objects.select_related("user__department").filter(digest=digest).first()
    if token is None or not token.user.is_active:
        _token_users.pop(digest, None)
        return None
    now = timezone.now()
    # Write at most once a minute: the lookup API must stay a read.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    with _token_lock:
        if len(_token_users) > 10_000:
            _token_users.clear()
        _token_users[digest] = (now_mono, token.user, token)
    return copy.copy(token.user)


def token_cache_clear(**_kwargs: object) -> None:
    with _token_lock:
        _token_users.clear()
