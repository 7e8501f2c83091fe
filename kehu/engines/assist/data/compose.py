"""Compose corpus.jsonl from the hand-written pieces in fragments.py (run once; output is kept).

    python -m kehu.engines.assist.data.compose > kehu/engines/assist/data/corpus.jsonl

Labels follow from the pieces chosen: a request piece fixes kind and base urgency, a
behaviour piece fixes the type, an emotion piece the emotion. About a quarter of the rows
are turned into traditional characters (four OpenCC variants, so some rows also use
Taiwan vocabulary that `t2s` folding does not undo).
"""

from __future__ import annotations

import json
import random
import sys

import opencc

from kehu.engines.assist.data.fragments import (
    EMOTION_NOTES,
    EMOTION_SAYS,
    REQUESTS,
    TYPE_NOTES,
    TYPE_SAYS,
    WHOLE,
    WHOLE_EXTRA,
    WHOLE_MORE,
)

SEED = 2026
COMPOSED = 820
LEVELS = ["low", "medium", "high", "critical"]
TYPE_WEIGHTS = {
    "unknown": 30, "easygoing": 15, "uncooperative": 13, "domineering": 13, "vain": 13,
    "irritable": 16,
}
# Which requests each type tends to make (kind -> weight).
KIND_WEIGHTS = {
    "unknown": {"inquiry": 30, "repair": 22, "emergency_repair": 18, "complaint": 10,
                "report": 12, "suggestion": 12, "other": 12},
    "easygoing": {"inquiry": 30, "repair": 22, "emergency_repair": 8, "complaint": 6,
                  "report": 8, "suggestion": 14, "other": 14},
    "uncooperative": {"inquiry": 10, "repair": 16, "emergency_repair": 4, "complaint": 40,
                      "report": 6, "suggestion": 4, "other": 14},
    "domineering": {"inquiry": 8, "repair": 18, "emergency_repair": 8, "complaint": 48,
                    "report": 8, "suggestion": 4, "other": 6},
    "vain": {"inquiry": 14, "repair": 16, "emergency_repair": 4, "complaint": 44,
             "report": 6, "suggestion": 8, "other": 8},
    "irritable": {"inquiry": 6, "repair": 22, "emergency_repair": 5, "complaint": 55,
                  "report": 6, "suggestion": 2, "other": 4},
}
EMOTION_WEIGHTS = {
    "unknown": {"calm": 50, "anxious": 18, "negative": 22, "positive": 8, "angry": 2},
    "easygoing": {"calm": 55, "positive": 35, "anxious": 10},
    "uncooperative": {"negative": 75, "angry": 25},
    "domineering": {"angry": 50, "negative": 50},
    "vain": {"negative": 75, "angry": 25},
    "irritable": {"angry": 88, "anxious": 12},
}
PUSHY = ("12315", "曝光", "微博", "媒体", "必须", "马上", "今天之内", "全额赔偿")
GREETINGS = ["", "", "", "你好，", "喂，", "在吗？", "您好，", "hi，"]
TRADITIONAL = ["s2t", "s2tw", "s2hk", "s2twp"]
CHANNELS = ["chat", "chat", "phone", "note", "email", "ticket"]


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def bump(level: str) -> str:
    return LEVELS[min(LEVELS.index(level) + 1, 2)] if level != "critical" else level


def join(parts: object) -> str:
    """Join clauses with a comma unless a clause already ends in punctuation."""
    text = ""
    for part in parts:  # type: ignore[attr-defined]
        part = part.rstrip("，。")
        if text and text[-1] not in "！？!?":
            text += "，"
        text += part
    return text


def third_person(text: str) -> str:
    return text.replace("我们", "他们").replace("我家", "客户家").replace("我", "客户")


def compose_one(rng: random.Random) -> dict[str, str]:
    type_ = pick(rng, TYPE_WEIGHTS)
    kind = pick(rng, KIND_WEIGHTS[type_])
    domain = rng.choice([d for d, kinds in REQUESTS.items() if kind in kinds])
    request, urgency = rng.choice(REQUESTS[domain][kind])
    base = urgency
    emotion = pick(rng, EMOTION_WEIGHTS[type_])
    if kind == "emergency_repair" and type_ in ("unknown", "easygoing"):
        emotion = rng.choice(["anxious", "anxious", "calm"])
    if kind == "suggestion" and emotion in ("angry", "anxious"):
        emotion = "negative" if emotion == "angry" else "calm"
    if kind in ("complaint", "report") and emotion == "positive":
        emotion = "calm" if type_ == "easygoing" else "negative"
    channel = rng.choice(CHANNELS)
    if channel == "note":
        text, cue = note_text(rng, request, type_, kind, emotion)
    else:
        text, cue = said_text(rng, channel, request, type_, kind, emotion)
    if emotion == "anxious" and urgency in ("low", "medium"):
        urgency = bump(urgency)
    if any(word in cue for word in PUSHY) and urgency in ("low", "medium"):
        urgency = bump(urgency)
    # Which pieces a row was made of, so a report can hold out pieces never seen in training.
    piece = f"{domain}/{kind}/{REQUESTS[domain][kind].index((request, base))}"
    return {"text": text, "type": type_, "kind": kind, "emotion": emotion,
            "urgency": urgency, "domain": domain, "piece": piece,
            "cue": f"{type_}/{cue}" if cue else ""}


def said_text(rng: random.Random, channel: str, request: str, type_: str, kind: str,
              emotion: str) -> tuple[str, str]:
    cues = TYPE_SAYS.get(type_, [""])
    if kind == "emergency_repair":
        cues = [c for c in cues if "不着急" not in c and "什么时候都" not in c] or [""]
    cue = rng.choice(cues) if type_ != "unknown" else ""
    feeling = rng.choice(EMOTION_SAYS[emotion])
    end = "！" if emotion in ("angry", "anxious") else rng.choice(["。", "", "，"])
    parts = [p for p in (cue, feeling) if p]
    rng.shuffle(parts)
    body = rng.choice([[request + end, *parts], [*parts, request + end]])
    text = join(p for p in body if p)
    if channel == "email":
        text = f"您好：\n{text}。\n{'谢谢！' if type_ in ('easygoing', 'unknown') else ''}"
    elif channel == "ticket":
        text = f"【工单】{request}。客户原话：{'，'.join(parts) or '无'}"
    elif channel == "phone":
        text = rng.choice(["喂，", "你好，", ""]) + text
    else:
        text = rng.choice(GREETINGS) + text
    return text.strip(), cue


def note_text(rng: random.Random, request: str, type_: str, kind: str,
              emotion: str) -> tuple[str, str]:
    cues = TYPE_NOTES.get(type_, [""])
    if kind == "emergency_repair":
        cues = [c for c in cues if "不着急" not in c] or [""]
    cue = rng.choice(cues) if type_ != "unknown" else ""
    feeling = rng.choice(EMOTION_NOTES[emotion])
    opening = rng.choice(["客户来电称", "客户来电反映：", "来电：", "客户在线反馈，"])
    parts = [opening + third_person(request), cue, feeling]
    return "。".join(p for p in parts if p) + "。", cue


def compose(seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = [
        {"text": t, "type": ty, "kind": k, "emotion": e, "urgency": u, "domain": d,
         "piece": f"whole/{i}", "cue": ""}
        for i, (t, ty, k, e, u, d) in enumerate(WHOLE + WHOLE_MORE + WHOLE_EXTRA)
    ]
    seen = {row["text"] for row in rows}
    while len(rows) < COMPOSED + len(WHOLE) + len(WHOLE_MORE) + len(WHOLE_EXTRA):
        row = compose_one(rng)
        if row["text"] not in seen:
            seen.add(row["text"])
            rows.append(row)
    converters = {name: opencc.OpenCC(name) for name in TRADITIONAL}
    for row in rows:
        if rng.random() < 0.25:
            row["text"] = converters[rng.choice(TRADITIONAL)].convert(row["text"])
            row["script"] = "traditional"
        else:
            row["script"] = "simplified"
    rng.shuffle(rows)
    return rows


def main() -> None:
    for row in compose():
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
