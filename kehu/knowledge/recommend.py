"""What to put in front of an agent for a customer: the strategy card, scripts, FAQ, a first reply.

The assist engine says who the customer seems to be (type), what they want (kind) and how
they feel (emotion); this module turns that into published articles. Scripts are scored
by plain, explainable points (see `_script_score`); FAQ entries by shared character
pairs weighted by rarity, until the full-text search replaces that.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from kehu.engines.assist import labels
from kehu.knowledge.models import Article, Kind
from kehu.knowledge.search import bigrams

DEFAULT_FIRST_REPLY = "您好，请您慢慢讲，我在认真听，一定尽力帮您把问题解决。"
MAX_LIMIT = 20
MIN_SCRIPT_SCORE = 2.0
MIN_FAQ_SCORE = 2.0
_QUOTED = re.compile(r"[「“]([^」”\n]{4,200})[」”]")

# Difficult scenarios (Article.scenario codes of the starter set) that fit a customer type,
# a request kind or an emotion: the literature's advice put as data.
TYPE_SCENARIOS: dict[str, set[str]] = {
    "irritable": {"abusive_language", "media_threat"},
    "angry": {"abusive_language", "media_threat"},
    "domineering": {"demands_superior", "compensation_beyond_policy"},
    "arrogant": {"demands_superior"},
    "vain": {"demands_superior"},
    "uncooperative": {"refuses_information", "blames_previous_agent", "repeated_calls"},
    "doubtful": {"blames_previous_agent", "refuses_information"},
    "picky": {"compensation_beyond_policy"},
}
KIND_SCENARIOS: dict[str, set[str]] = {
    "complaint": {"demands_superior", "media_threat", "compensation_beyond_policy", "blames_previous_agent",
                  "repeated_calls"},
    "repair": {"repeated_calls", "outage_no_eta"},
    "emergency_repair": {"outage_no_eta"},
}
# The service desk's ticket channels, as the script channels they call for.
TICKET_CHANNELS = {"web": "online", "email": "online", "wechat": "online", "weibo": "online", "api": "online",
                   "walk_in": "visit"}
EMOTION_SCENARIOS: dict[str, set[str]] = {
    "angry": {"abusive_language", "media_threat", "demands_superior"},
    "anxious": {"outage_no_eta", "repeated_calls"},
}


@dataclass
class Recommendation:
    strategy: Article | None
    scripts: list[Article] = field(default_factory=list)
    faqs: list[Article] = field(default_factory=list)
    first_reply: str = DEFAULT_FIRST_REPLY


def strategy_card(type_code: str) -> Article | None:
    """The published strategy card of a customer type; None for `unknown` or a code we do not know."""
    if type_code == "unknown" or type_code not in {**labels.TYPES, **labels.MORE_TYPES}:
        return None
    title = labels.strategy_title(type_code)
    return Article.objects.published().filter(kind=Kind.STRATEGY, title=title).first()


def _feedback(a: Article) -> float:
    """A small nudge from agents' ratings: at most ±0.5, damped for few votes."""
    return 0.5 * (a.helped_count - a.not_helped_count) / (a.helped_count + a.not_helped_count + 2)


def _script_score(a: Article, *, type_code: str, kind_code: str, emotion: str, channel: str,
                  text_grams: set[str]) -> float:
    """Points: the request kind's own script first (5), a script for the customer type (3),
    a difficult scenario that fits the type, kind or emotion (at most 3), the channel (1),
    words shared with the message (at most 1), agents' ratings (at most ±0.5)."""
    score = 0.0
    if a.request_kind:
        score += 5.0 if a.request_kind == kind_code else -2.0
    if a.customer_type:
        score += 3.0 if a.customer_type == type_code else -1.0
    if a.scenario:
        fit = 2.0 * (a.scenario in TYPE_SCENARIOS.get(type_code, ())) \
            + 1.0 * (a.scenario in KIND_SCENARIOS.get(kind_code, ())) \
            + 1.0 * (a.scenario in EMOTION_SCENARIOS.get(emotion, ()))
        score += min(fit, 3.0)
    score += 1.0 if a.channel == channel else (0.5 if a.channel == "any" else -1.0)
    if text_grams:
        score += min(1.0, len(text_grams & bigrams(a.title + " " + a.body[:400])) / 5)
    return score + _feedback(a)


def _scripts(*, type_code: str, kind_code: str, emotion: str, channel: str, text: str,
             limit: int) -> list[Article]:
    text_grams = bigrams(text[:2000]) if text else set()
    scored = []
    for a in Article.objects.published().filter(kind=Kind.SCRIPT):
        s = _script_score(a, type_code=type_code, kind_code=kind_code, emotion=emotion, channel=channel,
                          text_grams=text_grams)
        scored.append((s, a.usage_count, -a.pk, a))
    scored.sort(key=lambda row: row[:3], reverse=True)
    best = [row[3] for row in scored if row[0] >= MIN_SCRIPT_SCORE]
    if not best:
        # Nothing specific: the opening of the standard call is still the right first words.
        best = [row[3] for row in scored if row[3].stage == "opening"]
    return best[:limit]


def faq_matches(text: str, *, limit: int) -> list[Article]:
    """Published FAQ entries sharing the most rare character pairs with `text`."""
    query = bigrams(text[:2000]) if text else set()
    if not query:
        return []
    entries = list(Article.objects.published().filter(kind=Kind.FAQ))
    grams = {a.pk: bigrams(" ".join([a.title, a.question, a.variants])) for a in entries}
    df = Counter(g for gs in grams.values() for g in gs)
    n = len(entries)
    scored = []
    # One shared pair is often a function word (了还, 一下): ask for two unless the query is one.
    min_shared = min(2, len(query))
    for a in entries:
        shared = query & grams[a.pk]
        score = sum(math.log((n + 1) / df[g]) for g in shared)
        if len(shared) >= min_shared and score >= MIN_FAQ_SCORE:
            scored.append((score + _feedback(a), a.usage_count, -a.pk, a))
    scored.sort(key=lambda row: row[:3], reverse=True)
    return [row[3] for row in scored[:limit]]


def first_reply(scripts: list[Article], strategy: Article | None) -> str:
    """The first quoted phrasing of the best script (or of the card), else a safe default."""
    for article in [*scripts[:1], *([strategy] if strategy else [])]:
        match = _QUOTED.search(article.body)
        if match:
            return match.group(1).strip()
    return DEFAULT_FIRST_REPLY


def recommend(*, type_code: str, kind_code: str, text: str = "", emotion: str = "calm",
              channel: str = "phone", limit: int = 3) -> Recommendation:
    """The strategy card, scripts, FAQ entries and a first reply for one customer message."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    channel = TICKET_CHANNELS.get(channel, channel)
    strategy = strategy_card(type_code)
    scripts = _scripts(type_code=type_code, kind_code=kind_code, emotion=emotion, channel=channel,
                       text=text, limit=limit)
    return Recommendation(strategy=strategy, scripts=scripts, faqs=faq_matches(text, limit=limit),
                          first_reply=first_reply(scripts, strategy))
