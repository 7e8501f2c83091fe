"""The assist engine's vocabularies: codes (an API contract; keep them) and Chinese names.

The knowledge base titles a customer type's strategy card `strategy_title(code)`, so the
engine's output and the card it recommends meet on one string.
"""

from __future__ import annotations

EMOTIONS: dict[str, str] = {
    "angry": "愤怒",
    "anxious": "焦虑",
    "negative": "不满",
    "calm": "平静",
    "positive": "满意",
}

# The five types the engine detects (the textbook's behavioural types), then `unknown`.
TYPES: dict[str, str] = {
    "easygoing": "随和型",
    "uncooperative": "顽固不合作型",
    "domineering": "强硬好胜型",
    "vain": "虚荣型",
    "irritable": "易怒型",
    "unknown": "未识别",
}

# Further types the literature describes; the knowledge base has a card for each, agents
# may record them on a customer, the engine does not predict them (yet).
MORE_TYPES: dict[str, str] = {
    "arrogant": "傲慢型",
    "doubtful": "多疑型",
    "angry": "愤怒型",
    "silent": "沉默型",
    "talkative": "健谈型",
    "picky": "挑剔型",
    "indecisive": "犹豫型",
}

# The service desk's ticket kind codes.
KINDS: dict[str, str] = {
    "inquiry": "咨询",
    "repair": "报修",
    "emergency_repair": "抢修",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "other": "其他",
}

URGENCIES: dict[str, str] = {
    "low": "低",
    "medium": "中",
    "high": "高",
    "critical": "紧急",
}

FIELDS: dict[str, dict[str, str]] = {
    "emotion": EMOTIONS,
    "type": TYPES,
    "kind": KINDS,
    "urgency": URGENCIES,
}


def strategy_title(type_code: str) -> str:
    """The title of the strategy card for a customer type, e.g. `应对易怒型客户`."""
    label = TYPES.get(type_code) or MORE_TYPES[type_code]
    return f"应对{label}客户"
